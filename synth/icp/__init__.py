"""ICP stage: profile synthesis, the editable rules file, the deterministic scorer, validation.

    profile = build_profile(accounts, extractions, themes, account_by_file)
    rules = synthesize_rules(profile); dump_rules(rules, "icp.yaml")
    result = score_accounts(read_accounts_csv("accounts.csv"), load_rules("icp.yaml"))
    report = validate(table, rules, holdout=0.3)
"""
from .profile import IcpProfile, ProfileTrait, Support, build_profile, narrative, synthesize_rules
from .rules import (
                      COLUMN_PRESETS,
                      TIER_NAMES,
                      Criterion,
                      IcpRules,
                      RuleProblem,
                      RulesError,
                      Tiers,
                      column_map_for,
                      dump_rules,
                      load_rules,
                      rules_to_yaml,
)
from .score import (
                      AccountScore,
                      Contribution,
                      RuleSummary,
                      ScoreResult,
                      score_accounts,
                      write_scores_csv,
                      write_scores_json,
)
from .table import AccountsTable, Column, normalize_outcome, read_accounts_csv
from .validate import TierStat, ValidationReport, roc_auc, validate

__all__ = [
    "IcpProfile", "ProfileTrait", "Support", "build_profile", "narrative", "synthesize_rules",
    "COLUMN_PRESETS", "TIER_NAMES", "Criterion", "IcpRules", "RuleProblem", "RulesError", "Tiers",
    "column_map_for", "dump_rules", "load_rules", "rules_to_yaml",
    "AccountScore", "Contribution", "RuleSummary", "ScoreResult", "score_accounts",
    "write_scores_csv", "write_scores_json",
    "AccountsTable", "Column", "normalize_outcome", "read_accounts_csv",
    "TierStat", "ValidationReport", "roc_auc", "validate",
]
