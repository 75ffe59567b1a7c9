"""Tenants managing their webhook subscriptions (REST Hooks style), audited."""

from __future__ import annotations

from triggers.auth.authorizer import Principal
from triggers.delivery.targets import TargetPolicy
from triggers.models import AuditAction, Subscription, SubscriptionCreated, SubscriptionIn
from triggers.storage.audit import AuditLog
from triggers.storage.subscriptions import SubscriptionStore


class SubscriptionManagement:
    def __init__(self, subscriptions: SubscriptionStore, audit: AuditLog, targets: TargetPolicy) -> None:
        self._subscriptions = subscriptions
        self._audit = audit
        self._targets = targets

    def create(self, caller: Principal, request: SubscriptionIn) -> SubscriptionCreated:
        self._targets.check(request.target_url)
        created = self._subscriptions.create(caller.tenant_id, request)
        self._audit.record(caller, AuditAction.SUBSCRIPTION_CREATED, created.subscription_id)
        return created

    def list(self, caller: Principal) -> list[Subscription]:
        return self._subscriptions.for_tenant(caller.tenant_id)

    def get(self, caller: Principal, subscription_id: str) -> Subscription:
        return self._subscriptions.get(caller.tenant_id, subscription_id)

    def delete(self, caller: Principal, subscription_id: str) -> None:
        self._subscriptions.delete(caller.tenant_id, subscription_id)
        self._audit.record(caller, AuditAction.SUBSCRIPTION_DELETED, subscription_id)
