"""ICP stage: profile synthesis, points learned from outcomes, the editable rules file, the
deterministic scorer, validation in and out of sample.

    profile, rules, table, files = fit_study(accounts, extractions, themes)   # learned + calibrated
    dump_rules(rules, "icp.yaml")
    result = score_accounts(read_accounts_csv("accounts.csv"), load_rules("icp.yaml"))
    report = validate(table, rules, study_learner(accounts, extractions, themes, files))

Modules, in import order: rules (model) -> rulesfile (YAML) -> table (accounts) -> score -> export;
traits -> interviews -> profile -> learn, tiers -> synthesize -> interviewed -> fit; metrics ->
crossval -> validate; study (the pipeline stage).
"""
from ..vocab.accounts import COLUMN_PRESETS, column_map_for, normalize_outcome
from .export import dump_scores_json, reasons, write_scores_csv, write_scores_json
from .fit import fit_study, fit_table, relearn, study_learner, table_learner
from .learn import learn_points
from .metrics import Interval, Metrics, TierStat, roc_auc
from .profile import build_profile
from .rules import TIER_NAMES, Criterion, IcpRules, RuleFit, Tiers
from .rulesfile import RuleProblem, RulesError, dump_rules, load_rules, rules_to_yaml
from .score import AccountScore, Contribution, RuleSummary, ScoreResult, score_accounts
from .synthesize import narrative, synthesize_rules
from .table import AccountsTable, Column, read_accounts_csv
from .tiers import calibrate_tiers
from .traits import IcpProfile, ProfileTrait, Support
from .validate import ValidationReport, validate

__all__ = [
    "COLUMN_PRESETS", "column_map_for", "normalize_outcome",
    "dump_scores_json", "reasons", "write_scores_csv", "write_scores_json",
    "fit_study", "fit_table", "relearn", "study_learner", "table_learner", "learn_points",
    "Interval", "Metrics", "TierStat", "roc_auc", "build_profile",
    "TIER_NAMES", "Criterion", "IcpRules", "RuleFit", "Tiers",
    "RuleProblem", "RulesError", "dump_rules", "load_rules", "rules_to_yaml",
    "AccountScore", "Contribution", "RuleSummary", "ScoreResult", "score_accounts",
    "narrative", "synthesize_rules", "AccountsTable", "Column", "read_accounts_csv",
    "calibrate_tiers", "IcpProfile", "ProfileTrait", "Support", "ValidationReport", "validate",
]
