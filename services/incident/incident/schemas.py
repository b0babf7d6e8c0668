"""What people submit: the loss report, the facts behind the duties, reviews, actions and measures.

Every model forbids unknown fields and rejects naive times, so a typo is an error, not a silent loss.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from contracts.errors import IncidentRefusal, invalid_input
from contracts.events import AssetKind, DataCategory, Encryption

Presence = Literal["yes", "no", "unknown"]  # "unknown" counts as "may have been on it"


def _aware(value: datetime) -> datetime:
    if value.utcoffset() is None:  # pydantic's own error type for this, so forms say it like the others
        raise PydanticCustomError("timezone_aware", "Input should have timezone info")
    return value


AwareTime = Annotated[datetime, AfterValidator(_aware)]
Text = Annotated[str, Field(max_length=4000)]
Short = Annotated[str, Field(max_length=200)]

# The easily forgotten places data hides on a device: every report must answer each one.
FORGOTTEN: dict[str, tuple[str, str]] = {
    "offline_files": ("オフライン同期されたファイル（OneDrive、Box など）", "files synced for offline use (OneDrive, Box, ...)"),
    "email_cache": ("メールのキャッシュ・添付ファイル", "email cache and attachments"),
    "document_photos": ("書類やホワイトボードを撮影した写真", "photos of documents or whiteboards"),
    "browser_logins": ("ブラウザに保存されたパスワード・ログイン状態", "passwords and log-ins saved in the browser"),
    "downloads": ("ダウンロードフォルダ・一時ファイル", "the downloads folder and temporary files"),
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DataItem(Strict):
    category: DataCategory
    present: Presence
    note: Text = ""  # why it does not apply, when "no"


class CustomerItem(Strict):
    customer_id: Short = Field(min_length=1)
    persons: int = Field(ge=0, le=100_000_000)
    present: Presence
    note: Text = ""


class Features(Strict):
    model_number_confirmed: bool
    serial_number_confirmed: bool
    colour: Short = ""
    shape: Short = ""
    stickers: Short = ""
    case: Short = ""


class Movement(Strict):
    at: AwareTime
    place: Short = ""
    text: Text = Field(min_length=1)


class Told(Strict):
    at: AwareTime
    who: Short = Field(min_length=1)
    how: Short = ""


class LossReport(Strict):
    """Step 1 (すぐ報告させる): what may have been on it, what it looks like, what happened."""
    data: list[DataItem]
    customers: list[CustomerItem] = []
    eu_data_subjects: bool = False
    forgotten: dict[str, Presence]
    forgotten_detail: Text = ""
    features: Features
    last_seen_at: AwareTime
    last_seen_place: Short = Field(min_length=1)
    circumstances: Text = Field(min_length=1)
    movements: list[Movement] = []
    told: list[Told] = []
    lost_or_stolen: Literal["unknown", "lost", "stolen"] = "unknown"


class Facts(Strict):
    """The judgement calls behind the duties, set by the privacy officer (defaults: the cautious reading)."""
    improper_purpose_suspected: bool = False
    all_data_in_encrypted_files: bool = False
    persons_contactable: bool = True
    gdpr_unlikely_risk: bool = False
    gdpr_high_risk: bool | None = None
    aware_at: AwareTime | None = None


class LossReported(Strict):
    """A loss reported by a person, for an asset in the ledger or not."""
    asset_tag: Short = ""
    kind: AssetKind = "other"
    model_number: Short = ""
    serial_number: Short = ""
    description: Text = Field(min_length=1)
    holder_name: Short = ""
    holder_number: Short = ""
    holder_email: Short = ""
    categories: list[DataCategory] = []
    customer_ids: list[Short] = []
    approx_persons: int = Field(default=0, ge=0)
    eu_data_subjects: bool = False
    encryption: Encryption = "none"
    cipher: Short = ""
    key_stored_separately: bool = False
    aware_at: AwareTime | None = None


class Cause(Strict):
    category: Literal["workload", "work_style", "procedure", "equipment", "training", "individual", "other"]
    text: Text = Field(min_length=1)


class ReviewInput(Strict):
    causes: list[Cause] = Field(min_length=1)


class ActionInput(Strict):
    description: Text = Field(min_length=1)
    owner: Short = Field(min_length=1)
    due_on: date


class LegalReview(Strict):
    reviewer: Short = Field(min_length=1)
    reviewed_on: date
    conclusion: Text = Field(min_length=1)


class MeasureInput(Strict):
    kind: Literal["cost_claim", "damages_claim", "disciplinary", "reprimand", "written_report"]
    employee_number: Short = Field(min_length=1)
    summary: Text = ""
    actual_cost_yen: int | None = Field(default=None, ge=0)
    claimed_yen: int | None = Field(default=None, ge=0)
    penalty_fixed_in_advance: bool = False
    negligence: Literal["ordinary", "gross", "intentional"] = "ordinary"
    disciplinary_action: Literal["demotion", "pay_cut", "suspension", "dismissal"] | None = None
    legal_review: LegalReview | None = None
    announce_company_wide: bool = True
    submitted_on: date | None = None
    signed_by: Short = ""


def parse(model: type[Strict], data) -> Strict:
    """Validate input; the first problem becomes a refusal naming the field (nothing is changed)."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_input(IncidentRefusal, exc, model.__name__) from None
