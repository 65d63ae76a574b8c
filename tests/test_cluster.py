import numpy as np

from synth.models import Alternative
from synth.themes.cluster import (
    ClusterParams,
    adaptive_min_cluster_size,
    labels_for,
    prune_incoherent,
)
from synth.themes.group import group_alternatives


def _alt(i, name, kind="competitor"):
    return Alternative(id=str(i), statement=name, name=name, kind=kind)


def test_alternatives_group_by_what_they_are_not_by_wording():
    items = [_alt(0, "Vault"), _alt(1, "HashiCorp Vault"), _alt(2, "HashiCorp Vault Enterprise"),
             _alt(3, "Doppler"), _alt(4, "the spreadsheet", "spreadsheet"),
             _alt(5, "Google Sheets tracker", "spreadsheet"), _alt(6, "AWS Secrets Manager", "adjacent_tool")]
    groups = sorted(sorted(g) for g in group_alternatives(items))
    assert groups == [["0", "1", "2"], ["3"], ["4", "5"], ["6"]]


def test_min_cluster_size_adapts_to_the_study():
    assert adaptive_min_cluster_size(30, 5) == 2
    assert adaptive_min_cluster_size(200, 20) == 4
    assert adaptive_min_cluster_size(600, 40) == 8


def test_an_incoherent_member_goes_back_to_the_outliers():
    rng = np.random.default_rng(0)
    centre = rng.normal(size=16)
    members = centre + rng.normal(scale=0.1, size=(4, 16))
    stray = -centre
    v = np.vstack([members, stray])
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    labels = np.zeros(5, dtype=int)
    assert prune_incoherent(labels, v, 0.3).tolist() == [0, 0, 0, 0, -1]


def test_clustering_is_deterministic_and_finds_separated_groups():
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(3, 32))
    v = np.vstack([c + rng.normal(scale=0.05, size=(12, 32)) for c in centres])
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    a = labels_for(v, ClusterParams(), n_interviews=12)
    b = labels_for(v, ClusterParams(), n_interviews=12)
    assert a.tolist() == b.tolist()
    assert len(set(a.tolist()) - {-1}) == 3
