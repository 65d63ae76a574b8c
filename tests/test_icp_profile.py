"""Profile synthesis (five attributes + negative profile), rules synthesis, narrative."""
from __future__ import annotations

from synth.icp import build_profile, dump_rules, load_rules, narrative, synthesize_rules
from synth.icp.profile import nice_ceil, nice_floor
from synth.icp.score import score_accounts
from synth.icp.table import AccountsTable
from synth.icp.validate import validate
from synth.models import (
    AccountRow,
    AccountTraits,
    Alternative,
    DmuMember,
    Evidence,
    Extraction,
    Theme,
    ThemeSet,
    Trait,
    Trigger,
)

DATA = [  # company, employees, industry, country, stage, stack, outcome
    ("Acme", 120, "Software", "US", "Series B", "aws;kubernetes;datadog", "won"),
    ("Beta", 300, "Software", "US", "Series B", "gcp;kubernetes", "won"),
    ("Gamma", 250, "Fintech", "Canada", "Series C", "aws;kubernetes;heroku", "won"),
    ("Delta", 80, "Software", "US", "Series A", "aws;datadog", "won"),
    ("Eps", 15, "Agency", "UK", "Seed", "heroku", "lost"),
    ("Zeta", 20, "Agency", "US", "Seed", "heroku;aws", "lost"),
    ("Eta", 5000, "Government", "US", "Public", "azure;heroku", "lost"),
    ("Theta", 4000, "Government", "US", "Public", "azure", "lost"),
    ("Iota", 200, "Software", "US", "Series B", "aws;kubernetes", "open"),
]
INTERVIEWED = {"Acme": True, "Beta": True, "Gamma": True, "Eps": False, "Zeta": False}


def ev(quote, f):
    return Evidence(quote=quote, file=f, transcript_hash="h" + f, speaker="Dana", turn_index=1,
                    char_start=0, char_end=len(quote))


def accounts():
    return [AccountRow(company=c, employees=e, industry=i, country=co, funding_stage=st,
                       tech_stack=s.split(";"), outcome=o, file=f"{c.lower()}.txt")
            for c, e, i, co, st, s, o in DATA]


def extractions():
    out = []
    for company, won in INTERVIEWED.items():
        f = f"{company.lower()}.txt"
        out.append(Extraction(
            file=f, transcript_hash="h" + f, extractor="local",
            triggers=[Trigger(id=f"t-{company}", statement="renewal soon" if won else "raised money",
                              kind="vendor_renewal" if won else "funding",
                              evidence=[ev("our Datadog renewal is in 60 days" if won else "we just raised", f)])],
            alternatives=[Alternative(id=f"a-{company}", statement="spreadsheet", kind="spreadsheet",
                                      name="Google Sheets" if won else "Excel",
                                      evidence=[ev("we track it in a spreadsheet", f)])] +
                         ([] if won else [Alternative(id=f"n-{company}", statement="nothing", kind="nothing",
                                                      name="nothing", evidence=[ev("we do nothing", f)])]),
            dmu=[DmuMember(id=f"c-{company}", statement="champion", role="champion",
                           title="Senior SRE" if won else "Intern", evidence=[ev("I pushed for it", f)]),
                 DmuMember(id=f"e-{company}", statement="buyer", role="economic_buyer",
                           title="VP of Engineering" if company != "Beta" else "Vice President Engineering",
                           evidence=[ev("the VP signs", f)]),
                 DmuMember(id=f"b-{company}", statement="blocker", role="blocker", title="CISO",
                           evidence=[ev("security said no", f)])],
            traits=AccountTraits(employees=Trait(value=999, source="transcript",
                                                 evidence=ev("we are about 120 people", f)))))
    return out


THEMES = ThemeSet(themes=[
    Theme(id="th-renewal", category="trigger", label="Vendor renewal coming up",
          item_ids=["t-Acme", "t-Beta", "t-Gamma"], rank=1, accounts=["Acme", "Beta", "Gamma"], won=3,
          representative_quote=ev("our Datadog renewal is in 60 days", "acme.txt")),
    Theme(id="th-funding", category="trigger", label="Fresh funding", item_ids=["t-Eps", "t-Zeta"], rank=2),
    Theme(id="th-alt", category="alternative", label="Spreadsheets", item_ids=["a-Acme", "a-Beta"]),
])


def by_field(traits):
    return {t.field: t for t in traits}


def test_five_attributes_with_support_and_links():
    p = build_profile(accounts(), extractions(), THEMES, {})
    assert (p.accounts, p.won, p.lost, p.open, p.interviews, p.reference) == (9, 4, 4, 1, 5, "won")
    firmo = by_field(p.firmographic)
    # won employees 80, 120, 250, 300 -> middle 80% 80..300 -> nice band 50..500
    assert firmo["employees"].value == [50, 500]
    assert firmo["employees"].support.won == 4 and firmo["employees"].support.lost == 0
    assert firmo["employees"].quotes == []           # csv employees win over the transcript's 999
    assert firmo["industry"].value == ["Software"]
    s = firmo["industry"].support
    assert (s.won, s.ref_total, s.lost, s.lost_total, s.share_won, s.share_lost) == (3, 4, 0, 4, 0.75, 0.0)
    tech = [t.value[0] for t in p.technographic]
    assert tech[0] == "kubernetes" and "aws" in tech and "heroku" not in tech
    behav = p.behavioral[0]
    assert behav.value == ["Google Sheets"] and behav.support.won == 3
    assert behav.theme_ids == ["th-alt"] and behav.item_ids == ["a-Acme", "a-Beta", "a-Gamma"]
    assert behav.quotes[0].quote == "we track it in a spreadsheet"
    trig = p.triggers[0]
    assert trig.label == "Vendor renewal coming up" and trig.value == ["Vendor renewal coming up",
                                                                       "vendor_renewal"]
    assert trig.theme_ids == ["th-renewal"] and trig.support.won == 3 and trig.support.lost == 0
    dmu = by_field(p.dmu)
    assert dmu["champion_title"].value[0] == "Senior SRE"
    assert dmu["economic_buyer_title"].value == ["VP of Engineering"]    # "Vice President" merged
    assert dmu["economic_buyer_title"].label == "economic buyer: VP of Engineering (5)"
    assert dmu["blocker_title"].value == ["CISO"]


def test_negative_profile_and_disqualifiers():
    p = build_profile(accounts(), extractions(), THEMES, {})
    neg = {t.label: t for t in p.negative}
    # Agency: 2 lost, never won -> disqualifier; heroku: 3 lost vs 1 won -> negative points only
    assert neg["industry: Agency"].disqualifier
    assert neg["uses heroku"].direction == "negative" and not neg["uses heroku"].disqualifier
    assert neg["current alternative: nothing (nothing)"].disqualifier
    rules = synthesize_rules(p)
    dq = {c.id for c in rules.disqualifiers}
    assert {"not_industry_agency", "not_industry_government", "not_employees_49"} <= dq
    heroku = next(c for c in rules.criteria if c.id == "not_tech_stack_heroku")
    assert heroku.points < 0 and "1 of 4 won accounts (25%) vs 3 of 4 lost (75%)" in heroku.evidence
    assert all(c.points > 0 for c in rules.criteria if not c.id.startswith("not_"))
    assert "blocker_title" not in {c.field for c in rules.criteria}


def test_synthesized_rules_round_trip_and_score(tmp_path):
    p = build_profile(accounts(), extractions(), THEMES, {})
    rules = synthesize_rules(p)                     # no outcomes table: equal points, said so
    band = next(c for c in rules.criteria if c.id == "employees_band")
    pos = [c.points for c in rules.criteria if c.points > 0]
    assert sum(pos) == 100 and max(pos) - min(pos) <= 1 and band.fit.method == "equal"
    assert any("equal share" in n for n in rules.notes)
    assert band.evidence.startswith("50-500 employees: 4 of 4 won accounts (100%)")
    trig = next(c for c in rules.criteria if c.field == "triggers")
    assert "themes: th-renewal" in trig.evidence and '"our Datadog renewal is in 60 days"' in trig.evidence
    path = dump_rules(rules, tmp_path / "icp.yaml")
    text = path.read_text()
    assert "50-500 employees: 4 of 4 won accounts (100%)" in text and "  # won 4 of 0" not in text
    assert load_rules(path).model_dump() == rules.model_dump()
    table = AccountsTable.from_account_rows(accounts())
    rules = synthesize_rules(p, table=table)        # 9 outcomes (< 10): equal points, calibrated tiers
    assert "calibrated on 9 scored accounts" in rules.tiers.reason
    res = score_accounts(table, rules)
    tiers = dict(zip(res.companies.tolist(), res.tiers().tolist()))
    assert tiers["Acme"] == "high_touch" and tiers["Eps"] == "deprioritize"
    report = validate(table, rules)
    assert report.auc == 1.0


def test_determinism_and_input_order():
    a = build_profile(accounts(), extractions(), THEMES, {})
    b = build_profile(list(reversed(accounts())), list(reversed(extractions())), THEMES, {})
    assert a == b
    assert narrative(a) == narrative(b)
    assert synthesize_rules(a) == synthesize_rules(b)


def test_narrative_template():
    text = narrative(build_profile(accounts(), extractions(), THEMES, {}))
    assert text.startswith("ICP drawn from 4 won of 9 accounts and 5 interviews.")
    for part in ("50-500 employees", "industry: Software", "uses kubernetes", "Vendor renewal coming up",
                 "champion: Senior SRE", "Disqualify:", "Poorer fit: uses heroku"):
        assert part in text


def test_trigger_kinds_without_themes_and_account_by_file():
    exs = extractions()
    for e in exs:
        e.file = "renamed-" + e.file
    mapping = {e.file: e.file.removeprefix("renamed-").removesuffix(".txt").title() for e in exs}
    p = build_profile(accounts(), exs, None, mapping)
    # funding is only in lost accounts (0 won < min_support 2): not a trigger of the ICP
    assert [t.value for t in p.triggers] == [["vendor_renewal"]]
    assert p.triggers[0].support.won == 3 and p.triggers[0].item_ids == ["t-Acme", "t-Beta", "t-Gamma"]


def test_no_wins_no_losses_no_interviews():
    rows = [AccountRow(company=f"c{i}", employees=100 + i, industry="Software") for i in range(4)]
    p = build_profile(rows, [], None, {})
    assert p.reference == "all" and p.negative == []
    assert any("no won accounts" in n for n in p.notes) and any("no interviews" in n for n in p.notes)
    assert by_field(p.firmographic)["employees"].value == [100, 200]
    rules = synthesize_rules(p)
    assert rules.disqualifiers == [] and rules.criteria
    assert "no wins yet" in narrative(p)
    empty = build_profile([], [], None, {})
    assert synthesize_rules(empty).criteria == [] and "No trait" in narrative(empty)


def test_nice_rounding():
    assert [nice_floor(x) for x in (0.5, 7, 87, 120, 1999)] == [0, 5, 50, 100, 1000]
    assert [nice_ceil(x) for x in (1, 7, 430, 500, 1200)] == [1, 10, 500, 500, 2000]


def test_crm_rows_get_what_their_interview_said_by_file_or_company():
    from synth.icp.interviewed import with_interviews

    table = AccountsTable.from_records([{"company": "ACME "}, {"company": "Nobody"},
                                        {"company": "Renamed Inc", "file": "Beta"}])
    t, files = with_interviews(table, extractions(), THEMES, {"acme.txt": "Acme", "beta.txt": "Beta"})
    assert files.tolist() == ["acme.txt", None, "beta.txt"]      # company name; none; file stem
    trig = t.column("triggers")
    assert trig.categories[trig.codes[0]] == "Vendor renewal coming up;vendor_renewal"
    assert trig.codes[1] == 0                                     # no interview: unknown, not unmatched
    champ = t.column("champion_title")
    assert champ.categories[champ.codes[2]] == "Senior SRE"


def test_interviews_with_no_company_are_no_accounts_in_the_narrative_or_the_icp_hypotheses():
    """A consumer study (no accounts.csv, no company named): its interviews are counted for their traits, but
    the narrative does not call them accounts and the ICP's hypotheses claim nothing about won accounts."""
    from synth.icp.hypotheses import icp_hypotheses

    p = build_profile([], extractions(), THEMES, {})
    assert p.accounts == 0 and p.interviews == 5 and p.reference == "all"
    text = narrative(p)
    assert text.startswith("ICP drawn from 5 interviews and no accounts") and "5 accounts" not in text
    hyps = icp_hypotheses(p, synthesize_rules(p))
    assert hyps and not any(h.text.startswith("Won accounts") for h in hyps)
    # the same interviews with a company each are accounts again, open ones
    named = build_profile([], extractions(), THEMES, {e.file: e.file.removesuffix(".txt").title() for e in extractions()})
    assert named.accounts == 5 and named.open == 5 and narrative(named).startswith("ICP drawn from 5 accounts (no wins")
