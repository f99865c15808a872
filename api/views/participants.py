"""Participants, contributions, claims and the monthly statistics: reads scoped like the pages, writes through
participants.services like the forms (register, change, pay one or several months, pay a month for many, claim)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api import selectors
from api.filters import ClaimFilter, ContributionFilter, ParticipantFilter, StatisticFilter
from api.idempotency import idempotent
from api.serializers.base import chosen_village
from api.serializers.participants import (
    ClaimInputSerializer,
    ClaimSerializer,
    ContributionInputSerializer,
    ContributionSerializer,
    MonthlyPaymentsInputSerializer,
    MonthlyPaymentsSerializer,
    ParticipantChangeSerializer,
    ParticipantInputSerializer,
    ParticipantSerializer,
    StatisticSerializer,
)
from api.views.base import ApiViewMixin, validated
from participants import claims, services
from participants import selectors as participant_selectors
from participants.models import Participant

# The same permission as the page that shows a participant's full NIK, birth date and phone.
PERSONAL_DATA_PERMISSION = "participants.change_participant"
LISTED_IDS = 20


@extend_schema_view(
    list=extend_schema(summary="Peserta dalam cakupan pengguna (NIK disamarkan)"),
    retrieve=extend_schema(summary="Satu peserta (NIK lengkap bagi peran yang boleh mengubah peserta)"),
    create=extend_schema(
        summary="Daftarkan peserta", request=ParticipantInputSerializer, responses={201: ParticipantSerializer}
    ),
    partial_update=extend_schema(
        summary="Ubah data peserta (juga keluar: exit_date dan exit_reason)",
        request=ParticipantChangeSerializer,
        responses={200: ParticipantSerializer},
    ),
)
class ParticipantViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ParticipantSerializer
    filterset_class = ParticipantFilter
    http_method_names = ["get", "post", "patch", "head"]
    action_permissions = {
        "create": "participants.add_participant",
        "partial_update": "participants.change_participant",
        "contributions": "participants.add_contribution",
        "claims": "participants.add_claim",
    }
    ordering_fields = {"name": "name", "enrolled_on": "enrolled_on", "village": "village__code", "id": "pk"}
    ordering = ["name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # The schema only needs the model; the coverage status reads the coverage rules from the database.
            return Participant.objects.for_user(None)
        return selectors.participants_for(self.request.user)

    def get_serializer_context(self) -> dict:
        # Lists never carry personal data, as on the participant list page.
        personal = self.action != "list" and self.request.user.has_perm(PERSONAL_DATA_PERMISSION)
        return {**super().get_serializer_context(), "personal_data": personal}

    def _answer(self, participant_pk: int, code: int = status.HTTP_200_OK) -> Response:
        participant = self.get_queryset().get(pk=participant_pk)
        return Response(ParticipantSerializer(participant, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        def write() -> Response:
            data = validated(ParticipantInputSerializer(data=request.data, context=self.get_serializer_context()))
            village = chosen_village(user=request.user, village=data.pop("village", None))
            participant = services.participant_register(user=request.user, village=village, **data)
            return self._answer(participant.pk, status.HTTP_201_CREATED)

        return idempotent(request, write)

    def partial_update(self, request, *args, **kwargs):
        participant = self.get_object()

        def write() -> Response:
            context = self.get_serializer_context()
            changes = validated(ParticipantChangeSerializer(data=request.data, partial=True, context=context))
            services.participant_update(user=request.user, participant=participant, **changes)
            return self._answer(participant.pk)

        return idempotent(request, write)

    @extend_schema(
        summary="Catat iuran satu peserta: 1, 3, 6 atau 12 bulan berturut-turut",
        request=ContributionInputSerializer,
        responses={201: ContributionSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def contributions(self, request, pk=None):
        participant = self.get_object()

        def write() -> Response:
            data = validated(ContributionInputSerializer(data=request.data))
            recorded = services.contribution_record(user=request.user, participant=participant, **data)
            return Response(ContributionSerializer(recorded, many=True).data, status=status.HTTP_201_CREATED)

        return idempotent(request, write)

    @extend_schema(summary="Catat klaim manfaat", request=ClaimInputSerializer, responses={201: ClaimSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def claims(self, request, pk=None):
        participant = self.get_object()

        def write() -> Response:
            data = validated(ClaimInputSerializer(data=request.data))
            claim = claims.claim_record(user=request.user, participant=participant, **data)
            return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

        return idempotent(request, write)


def _paid_already(*, village, month, wanted: list[int]) -> dict[int, bool]:
    """For each listed participant, whether `month` is paid already.

    Every id must be a participant of `village` enrolled that month (the rows of the monthly
    screen): otherwise a 400 names the others and nothing is written.
    """
    due = dict(
        participant_selectors.contributions_due_month(village=village, month=month)
        .filter(pk__in=wanted)
        .values_list("pk", "paid")
    )
    missing = [pk for pk in wanted if pk not in due]
    if missing:
        shown = ", ".join(str(pk) for pk in missing[:LISTED_IDS]) + (" …" if len(missing) > LISTED_IDS else "")
        message = _("Tidak ditemukan di antara peserta %(village)s yang terdaftar pada %(month)s: id %(ids)s.")
        raise ValidationError(
            {"participant_ids": [message % {"village": village, "month": f"{month:%m/%Y}", "ids": shown}]}
        )
    return due


@extend_schema_view(
    list=extend_schema(summary="Iuran (bulan dibayar) peserta dalam cakupan pengguna"),
    retrieve=extend_schema(summary="Satu iuran"),
)
class ContributionViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ContributionSerializer
    filterset_class = ContributionFilter
    action_permissions = {"monthly": "participants.add_contribution"}
    ordering_fields = {"month": "month", "paid_on": "paid_on", "participant": "participant_id", "id": "pk"}
    ordering = ["-month"]

    def get_queryset(self):
        return selectors.contributions_for(self.request.user)

    @extend_schema(
        summary="Catat satu bulan iuran untuk banyak peserta satu desa (layar iuran bulanan)",
        request=MonthlyPaymentsInputSerializer,
        responses={201: MonthlyPaymentsSerializer},
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def monthly(self, request):
        def write() -> Response:
            data = validated(MonthlyPaymentsInputSerializer(data=request.data, context=self.get_serializer_context()))
            village = chosen_village(user=request.user, village=data.get("village"))
            month, wanted = data["month"], list(dict.fromkeys(data["participant_ids"]))
            due = _paid_already(village=village, month=month, wanted=wanted)
            recorded = services.contributions_record_month(
                user=request.user,
                village=village,
                month=month,
                participant_ids=wanted,
                paid_on=data["paid_on"],
                channel=data["channel"],
            )
            already_paid = [pk for pk in wanted if due[pk]]
            body = {"village": village.pk, "month": month, "recorded": recorded, "already_paid": already_paid}
            return Response(MonthlyPaymentsSerializer(body).data, status=status.HTTP_201_CREATED)

        return idempotent(request, write)


@extend_schema_view(
    list=extend_schema(summary="Klaim manfaat peserta dalam cakupan pengguna"),
    retrieve=extend_schema(summary="Satu klaim"),
)
class ClaimViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    ordering_fields = {"event_date": "event_date", "paid_on": "paid_on", "amount": "amount", "id": "pk"}
    ordering = ["-event_date"]

    def get_queryset(self):
        return selectors.claims_for(self.request.user)


@extend_schema_view(list=extend_schema(summary="Statistik bulanan per desa (tabel analitik)"))
class StatisticViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = StatisticSerializer
    filterset_class = StatisticFilter
    ordering_fields = {"month": "month", "village": "village__code"}
    ordering = ["village", "month"]

    def get_queryset(self):
        return selectors.statistics_for(self.request.user)
