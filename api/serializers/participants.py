"""What the API says about participants, contributions, claims and the monthly statistics, and what it accepts.

Personal data follows the pages: lists show only the masked NIK; one participant's
full NIK, birth date (the masked middle of the NIK) and phone are shown only to a
role that may change participants (`personal_data` in the serializer's context).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import MAX_ID, MAX_INT, DateField, DigitsField, MonthField
from api.serializers.base import InputSerializer, ScopedVillageField
from participants.coverage import CORRECTION_REASON_MAX, CoverageStatus
from participants.models import (
    Claim,
    Contribution,
    FundingSource,
    Occupation,
    Participant,
    Programme,
    Sex,
    VillageMonthStat,
)
from participants.rules import OVERRIDE_REASON_MAX
from participants.services import PAYMENT_PERIODS

MAX_MONTHLY_BATCH = 1000


class ParticipantSerializer(serializers.ModelSerializer):
    nik = serializers.SerializerMethodField(
        help_text="NIK lengkap bagi peran yang boleh mengubah peserta; selain itu disamarkan."
    )
    nik_masked = serializers.CharField(source="masked_nik", read_only=True)
    birth_date = serializers.SerializerMethodField(help_text="Kosong (null) bila disamarkan.")
    phone = serializers.SerializerMethodField(help_text="Kosong (null) bila disamarkan.")
    programmes = serializers.ListField(child=serializers.ChoiceField(choices=Programme.choices), read_only=True)
    status = serializers.ChoiceField(
        choices=CoverageStatus.choices,
        read_only=True,
        allow_null=True,
        help_text="Status kepesertaan bulan ini (null: belum terdaftar bulan ini).",
    )

    class Meta:
        model = Participant
        fields = [
            "id",
            "village",
            "nik",
            "nik_masked",
            "kpj",
            "name",
            "sex",
            "birth_date",
            "phone",
            "hamlet",
            "occupation",
            "monthly_income",
            "has_jht",
            "programmes",
            "funding_source",
            "enrolled_on",
            "exit_date",
            "exit_reason",
            "status",
            "created_at",
            "updated_at",
        ]

    def _personal(self) -> bool:
        return bool(self.context.get("personal_data"))

    def get_nik(self, participant: Participant) -> str:
        return participant.nik if self._personal() else participant.masked_nik

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_birth_date(self, participant: Participant):
        return participant.birth_date.isoformat() if self._personal() else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_phone(self, participant: Participant) -> str | None:
        return participant.phone if self._personal() else None


class ParticipantInputSerializer(InputSerializer):
    """A registration (POST) or a change (PATCH, any subset) through participants.services."""

    village = ScopedVillageField(required=False, help_text="Bisa dikosongkan bila pengguna hanya punya satu desa.")
    nik = DigitsField(spaces=False, help_text="16 angka sesuai KTP.")
    kpj = DigitsField(spaces=False, required=False, allow_null=True, allow_blank=True, help_text="Nomor KPJ, 11 angka.")
    name = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = DateField()
    phone = DigitsField(required=False, allow_blank=True)
    hamlet = serializers.CharField(required=False, allow_blank=True, help_text="Jorong/dusun.")
    occupation = serializers.ChoiceField(choices=Occupation.choices)
    monthly_income = serializers.IntegerField(min_value=0, max_value=MAX_INT, help_text="Rupiah per bulan.")
    has_jht = serializers.BooleanField(required=False, help_text="Ikut JHT; JKK dan JKM selalu diikuti.")
    funding_source = serializers.ChoiceField(choices=FundingSource.choices)
    enrolled_on = DateField()


class ParticipantChangeSerializer(ParticipantInputSerializer):
    exit_date = DateField(required=False, allow_null=True)
    exit_reason = serializers.ChoiceField(choices=Participant.ExitReason.choices, required=False, allow_blank=True)


class ContributionSerializer(serializers.ModelSerializer):
    village = serializers.IntegerField(source="participant.village_id", read_only=True)
    month = MonthField()

    class Meta:
        model = Contribution
        fields = [
            "id",
            "participant",
            "village",
            "month",
            "amount",
            "paid_on",
            "channel",
            "funding_source",
            "created_at",
        ]


class ContributionInputSerializer(InputSerializer):
    """One payment covering 1, 3, 6 or 12 consecutive months from `first_month`."""

    first_month = MonthField()
    months = serializers.ChoiceField(choices=[(count, str(count)) for count in PAYMENT_PERIODS])
    amount = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INT,
        help_text="Rupiah untuk semua bulan yang dibayar: jumlah iuran tiap bulan menurut aturan iuran.",
    )
    override_reason = serializers.CharField(
        required=False,
        max_length=OVERRIDE_REASON_MAX,
        help_text="Khusus staf cabang: alasan mencatat jumlah yang berbeda dari aturan (tercatat di riwayat).",
    )
    correction_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=CORRECTION_REASON_MAX,
        help_text=(
            "Khusus staf cabang, seperti di formulir pembayaran: alasan mencatat bulan di luar batas tunggakan "
            "yang memang sudah dibayar (koreksi; tercatat di riwayat). Bulan yang sudah dibayar tidak pernah diubah."
        ),
    )
    paid_on = DateField()
    channel = serializers.ChoiceField(choices=Contribution.Channel.choices)
    funding_source = serializers.ChoiceField(choices=FundingSource.choices)
    with_jht = serializers.BooleanField(
        required=False, help_text="Pilihan JHT saat membayar; bila diisi, program peserta mengikuti."
    )


class MonthlyPaymentsInputSerializer(InputSerializer):
    """One month paid by the listed participants of one village (the monthly screen)."""

    village = ScopedVillageField(required=False, help_text="Bisa dikosongkan bila pengguna hanya punya satu desa.")
    month = MonthField()
    participant_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=MAX_MONTHLY_BATCH
    )
    paid_on = DateField()
    channel = serializers.ChoiceField(choices=Contribution.Channel.choices)


class MonthlyPaymentsSerializer(serializers.Serializer):
    village = serializers.IntegerField()
    month = MonthField()
    recorded = serializers.IntegerField(help_text="Banyak iuran yang dicatat.")
    already_paid = serializers.ListField(
        child=serializers.IntegerField(), help_text="Id peserta yang bulan ini sudah dibayar sebelumnya (dilewati)."
    )


class ClaimSerializer(serializers.ModelSerializer):
    village = serializers.IntegerField(source="participant.village_id", read_only=True)

    class Meta:
        model = Claim
        fields = ["id", "participant", "village", "programme", "event_date", "paid_on", "amount", "notes"]


class ClaimInputSerializer(InputSerializer):
    programme = serializers.ChoiceField(choices=Programme.choices)
    event_date = DateField()
    paid_on = DateField(required=False, allow_null=True)
    amount = serializers.IntegerField(min_value=0, max_value=MAX_ID, help_text="Rupiah.")
    notes = serializers.CharField(required=False, allow_blank=True)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Khusus staf cabang: alasan mencatat klaim di luar aturan (tercatat di keterangan dan riwayat).",
    )


class StatisticSerializer(serializers.ModelSerializer):
    month = MonthField()

    class Meta:
        model = VillageMonthStat
        exclude = ["id"]
