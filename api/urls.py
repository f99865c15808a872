"""The API (namespace `api`): version 1 of the REST endpoints, the schema and its docs, and the token page."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from api.views import base, docs, evaluations, indicators, participants, rules, tokens, villages

app_name = "api"

router = SimpleRouter()
router.register("regencies", villages.RegencyViewSet, basename="regency")
router.register("districts", villages.DistrictViewSet, basename="district")
router.register("villages", villages.VillageViewSet, basename="village")
router.register("activities", villages.ActivityViewSet, basename="activity")
router.register("participants", participants.ParticipantViewSet, basename="participant")
router.register("contributions", participants.ContributionViewSet, basename="contribution")
router.register("claims", participants.ClaimViewSet, basename="claim")
router.register("statistics", participants.StatisticViewSet, basename="statistic")
router.register("evaluation-cycles", evaluations.EvaluationCycleViewSet, basename="evaluation-cycle")
router.register("evaluations", evaluations.VillageEvaluationViewSet, basename="evaluation")

urlpatterns = [
    path("v1/indicators/", indicators.IndicatorView.as_view(), name="indicators"),
    path("v1/indicators/villages/", indicators.VillageIndicatorView.as_view(), name="indicators-villages"),
    path("v1/contribution-rules/", rules.ContributionRulesView.as_view(), name="contribution-rules"),
    path("v1/", include(router.urls)),
    re_path(r"^v1/", base.unknown_address, name="unknown"),
    path("schema/", docs.schema, name="schema"),
    path("docs/", docs.swagger, name="docs"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]
