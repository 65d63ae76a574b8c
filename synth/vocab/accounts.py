"""What an accounts table's headers and cells mean: one vocabulary for ingest and the ICP scorer.

ingest (`synth.ingest.accounts.load_accounts`: one `AccountRow` per row) and the ICP scorer
(`synth.icp.table.read_accounts_csv`: column-oriented, a million rows) both map headers with
`column_map_for` and read cells with the parsers here, so a cell means the same thing to both:

- numbers: "1,200", "5k", "$1,200,000.00", "USD 1.2M", "~120" are numbers; ranges as CRMs and
  LinkedIn write them ("51-200", "1,001-5,000", "$1M-$10M", "201 to 500") are their midpoint,
  whole when both ends are ("51-200" -> 125); "10,001+" is 10001;
- outcomes (`normalize_outcome`): "won", "Closed Won", "Customer", "Customer - Direct",
  "Evangelist" -> won; "lost", "Closed Lost", "Churned", "Former customer" -> lost; pipeline
  stages ("Lead", "Opportunity", "Negotiation/Review", "Prospect") -> open; anything else is not
  an outcome (ingest warns, the scorer counts it as missing);
- lists (`split_list`): split on ';', '|' or ',', trimmed, case-folded, de-duplicated;
- headers: case, spacing and punctuation are ignored; synth's own names and aliases, HubSpot's
  ("Record ID", "Company name", "Number of Employees", "Country/Region", "Lifecycle Stage",
  "Web Technologies", "Annual Revenue") and Salesforce's (API names and report labels: "Id",
  "Account Name", "NumberOfEmployees", "Billing Country", "StageName", "Type"). The preset is
  detected from the headers; Salesforce's "Stage" is then the deal stage, synth's the funding stage.
  Without an outcome column, a CRM "Type" column ("Customer - Direct", "Prospect") is the outcome.
"""
from __future__ import annotations

import re
from typing import Any, Optional, Sequence

from synth.models import AccountRow

# ----------------------------------------------------------------------------- headers

COLUMNS = tuple(AccountRow.model_fields)
ALIASES = {
    "stage": "funding_stage", "funding": "funding_stage", "stack": "tech_stack",
    "technologies": "tech_stack", "filename": "file", "file_name": "file", "transcript": "file",
    "company_name": "company", "account": "company", "employee_count": "employees",
    "headcount": "employees", "date": "interview_date", "geo": "country", "region": "country",
    "record_id": "record_id",
}
COLUMN_PRESETS: dict[str, dict[str, str]] = {
    "synth": {**{c: c for c in COLUMNS}, **ALIASES},
    "hubspot": {
        "Record ID": "record_id", "Company name": "company", "Name": "company",
        "Number of Employees": "employees", "Company size": "employees", "Industry": "industry",
        "Country/Region": "country", "Country": "country", "Lifecycle Stage": "outcome",
        "Deal Stage": "outcome", "Web Technologies": "tech_stack", "Annual Revenue": "annual_revenue",
        "Company Domain Name": "domain", "Website URL": "domain", "Type": "account_type",
        "Total Money Raised": "total_money_raised",
    },
    "salesforce": {
        "Id": "record_id", "Account ID": "record_id", "Account Name": "company", "Name": "company",
        "NumberOfEmployees": "employees", "Employees": "employees", "Industry": "industry",
        "BillingCountry": "country", "Billing Country": "country", "StageName": "outcome",
        "Stage": "outcome", "Type": "account_type", "AnnualRevenue": "annual_revenue",
        "Annual Revenue": "annual_revenue", "Website": "domain",
    },
}
# headers only one CRM writes: they decide which preset an "auto" read uses first
_SIGNATURES = {
    "hubspot": {"record_id", "company_name", "country_region", "lifecycle_stage", "web_technologies",
                "number_of_employees", "company_domain_name", "deal_stage"},
    "salesforce": {"account_id", "account_name", "numberofemployees", "billingcountry",
                   "billing_country", "stagename", "annualrevenue", "account_owner"},
}
OUTCOME_COLUMNS = ("outcome", "account_type")     # the first one a table has holds its outcomes


def normalize_name(name: str) -> str:
    """Column-name key: case, spaces and punctuation do not matter ("Country/Region" -> country_region)."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).lstrip("\ufeff").casefold()).strip("_")


def detect_preset(header: Sequence[str]) -> str:
    """"hubspot" or "salesforce" when the headers carry that CRM's own names, else "synth"."""
    keys = {normalize_name(h) for h in header}
    hits = {p: len(keys & sig) for p, sig in _SIGNATURES.items()}
    best = max(hits, key=lambda p: (hits[p], p == "hubspot"))
    return best if hits[best] else "synth"


def column_map_for(preset_or_map: str | dict[str, str] | None,
                   header: Optional[Sequence[str]] = None) -> dict[str, str]:
    """Header -> field map, keys normalized. A preset's own names win over synth's aliases;
    None or "auto" = the preset `detect_preset(header)` picks, then every other (first wins);
    a mapping overrides all of them."""
    if isinstance(preset_or_map, dict) or preset_or_map in (None, "auto"):
        first = detect_preset(header) if header is not None else "synth"
        order = [first, *(p for p in COLUMN_PRESETS if p != first)]
    elif preset_or_map in COLUMN_PRESETS:
        order = [preset_or_map, "synth"] if preset_or_map != "synth" else ["synth"]
    else:
        raise ValueError(f"unknown column preset {preset_or_map!r}: use one of "
                         f"{', '.join(COLUMN_PRESETS)} or a mapping")
    out: dict[str, str] = {}
    for p in order:
        for h, f in COLUMN_PRESETS[p].items():
            out.setdefault(normalize_name(h), normalize_name(f))
    if isinstance(preset_or_map, dict):
        out.update({normalize_name(h): normalize_name(f) for h, f in preset_or_map.items()})
    return out


def outcome_column(fields: Sequence[str]) -> Optional[str]:
    return next((c for c in OUTCOME_COLUMNS if c in fields), None)


# ----------------------------------------------------------------------------- cells

NULL_TOKENS = frozenset({"", "n/a", "na", "null", "none", "nan", "unknown", "-", "--", "?", "#n/a"})
LIST_SPLIT = re.compile(r"[;|,]")
_CURRENCY = re.compile(r"^(?:usd|eur|gbp|cad|aud|chf|jpy|inr|sek|nok|dkk|brl)|"
                       r"(?:usd|eur|gbp|cad|aud|chf|jpy|inr|sek|nok|dkk|brl)$|[$€£¥]")
_NUM = r"[0-9]*\.?[0-9]+"
_NUMBER = re.compile(rf"^({_NUM})([kmb]?)\+?$")
_RANGE = re.compile(rf"^({_NUM})([kmb]?)(?:-|to)({_NUM})([kmb]?)$")
_MULT = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}
_DROP = str.maketrans("", "", " ,_~\u00a0\u202f\u2009")


def norm_text(s: Any) -> str:
    return " ".join(str(s).split()).casefold()


def is_missing(s: Optional[str]) -> bool:
    return s is None or norm_text(s) in NULL_TOKENS


def _scaled(num: str, suffix: str) -> float:
    x = float(num) * _MULT[suffix]
    return float(round(x)) if abs(x - round(x)) < 1e-6 * max(1.0, abs(x)) else x


def cell_number(s: Any) -> float:
    """The number an accounts-table cell means (see the module doc: ranges are their midpoint), or NaN.

    Not `synth.numbers.parse_number`, which reads a number as it is said in speech ("forty-five")
    and checks extracted quantities against quotes."""
    t = _CURRENCY.sub("", str(s).casefold().translate(_DROP).replace("–", "-").replace("—", "-"))
    m = _NUMBER.match(t)
    if m:
        return _scaled(m.group(1), m.group(2))
    m = _RANGE.match(t)
    if m:
        lo, hi = _scaled(m.group(1), m.group(2)), _scaled(m.group(3), m.group(4))
        if lo > hi:
            return float("nan")
        mid = (lo + hi) / 2
        return float(int(mid)) if lo.is_integer() and hi.is_integer() else mid
    return float("nan")


def parse_whole(s: Any) -> Optional[int]:
    """A count (employees): a whole, non-negative number or None."""
    x = cell_number(s)
    return int(x) if x == x and x >= 0 and float(x).is_integer() else None


_WON = {"won", "win", "closed won", "closedwon", "customer", "evangelist", "active customer", "paying",
        "paying customer", "1", "true", "yes"}
_LOST = {"lost", "loss", "closed lost", "closedlost", "churned", "churn", "former customer",
         "ex customer", "cancelled", "canceled", "0", "false", "no"}
_OPEN = {"open", "pending", "in progress", "lead", "subscriber", "marketing qualified lead",
         "sales qualified lead", "mql", "sql", "opportunity", "other", "prospect", "prospecting",
         "qualification", "needs analysis", "value proposition", "id decision makers",
         "perception analysis", "proposal price quote", "negotiation review", "appointment scheduled",
         "qualified to buy", "presentation scheduled", "decision maker bought in", "contract sent",
         "partner", "reseller", "vendor", "channel partner reseller", "installation partner",
         "technology partner", "trial", "evaluation", "discovery", "demo", "proposal", "negotiation"}


def _outcome_key(s: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", s.casefold()).split())


def normalize_outcome(s: Optional[str]) -> Optional[str]:
    """'won' | 'lost' | 'open', or None when the cell is missing or not an outcome."""
    if is_missing(s):
        return None
    k = _outcome_key(str(s))
    if k in _WON or k.startswith("customer "):
        return "won"
    if k in _LOST or k.startswith("former customer") or k.startswith("churned "):
        return "lost"
    if k in _OPEN:
        return "open"
    return None


def split_list(s: Any) -> list[str]:
    """List cell -> items: trimmed, case-folded, de-duplicated, in order; missing tokens dropped."""
    out: list[str] = []
    for part in LIST_SPLIT.split(str(s)):
        p = norm_text(part)
        if p and p not in NULL_TOKENS and p not in out:
            out.append(p)
    return out
