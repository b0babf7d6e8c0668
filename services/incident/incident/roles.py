"""Who may do what. The one permission table: the RPCs and the console both ask it."""
from __future__ import annotations

from dataclasses import dataclass

from contracts.errors import IncidentRefusal
from incident.texts import Said, labels

ROLES = ("viewer", "responder", "privacy_officer", "admin")

# action -> the roles that may take it (everyone signed in may view)
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": frozenset(ROLES),
    "report_loss": frozenset({"responder", "privacy_officer", "admin"}),
    "submit_report": frozenset({"responder", "privacy_officer", "admin"}),
    "add_timeline": frozenset({"responder", "privacy_officer", "admin"}),
    "set_facts": frozenset({"privacy_officer", "admin"}),
    "mark_duty_done": frozenset({"privacy_officer", "admin"}),
    "record_review": frozenset({"responder", "privacy_officer", "admin"}),
    "add_action": frozenset({"responder", "privacy_officer", "admin"}),
    "update_action": frozenset({"responder", "privacy_officer", "admin"}),
    "record_measure": frozenset({"privacy_officer", "admin"}),
    "close": frozenset({"privacy_officer", "admin"}),
    "close_with_open_actions": frozenset({"admin"}),  # "a manager records why"
    "ppc_report": frozenset({"privacy_officer", "admin"}),
    "manage_users": frozenset({"admin"}),
    "view_deliveries": frozenset({"responder", "privacy_officer", "admin"}),  # recipients' addresses
}

ACTION_NAMES: dict[str, Said] = {k: Said(*v) for k, v in {  # for the refusal message
    "view": ("閲覧", "view incidents"), "report_loss": ("紛失の届出", "report a loss"),
    "submit_report": ("報告書の提出", "submit the loss report"), "add_timeline": ("経過の記録", "add to the timeline"),
    "set_facts": ("判断事項の変更", "change the assessment facts"), "mark_duty_done": ("義務の完了記録", "mark a duty done"),
    "record_review": ("原因分析の記録", "record the review"), "add_action": ("再発防止策の追加", "add a prevention action"),
    "update_action": ("再発防止策の更新", "update a prevention action"),
    "record_measure": ("従業員への措置の記録", "record a measure toward the employee"),
    "close": ("クローズ", "close the incident"),
    "close_with_open_actions": ("未完了の対策があるままクローズ", "close with open actions"),
    "ppc_report": ("個人情報保護委員会報告の作成", "draft the PPC report"), "manage_users": ("ユーザー管理", "manage users"),
    "view_deliveries": ("メール送信記録の閲覧", "view the e-mail delivery log"),
}.items()}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a console user (name + role), or the system itself."""
    name: str
    role: str

    @classmethod
    def of(cls, value: dict | Actor) -> Actor:
        if isinstance(value, Actor):
            return value
        try:
            actor = cls(str(value["name"]), str(value["role"]))
        except (KeyError, TypeError):
            raise IncidentRefusal("invalid_input", {"field": "actor", "problem": "needs name and role",
                                                    "problem_ja": "名前と役割が必要です"}) from None
        if actor.role not in ROLES or not actor.name.strip():
            raise IncidentRefusal("invalid_input", {"field": "actor", "problem": f"unknown role {actor.role!r}",
                                                    "problem_ja": f"不明な役割です（{actor.role}）"})
        return actor

    def may(self, action: str) -> bool:
        return self.role in PERMISSIONS[action]

    def require(self, action: str) -> None:
        if not self.may(action):
            role, named = labels(self.role), ACTION_NAMES[action]
            raise IncidentRefusal("not_permitted", {"role": role.en, "role_ja": role.ja, "action": named.en,
                                                    "action_ja": named.ja})


SYSTEM = Actor("system", "admin")
