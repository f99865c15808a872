"""Dukcapil's occupation codes 1–89 (OpenSID's `tweb_penduduk_pekerjaan`), and how each counts by default.

Not working: 1 belum/tidak bekerja, 2 mengurus rumah tangga, 3 pelajar/mahasiswa, 4 pensiunan.
Working but not informal (wage earners, civil servants, army, police, office holders and professions
usually employed): 5–7, 15–18 (karyawan swasta, BUMN, BUMD, honorer), 48–63 (elected and appointed
office), 64 dosen, 65 guru, 66 pilot, 72 dokter, 73 bidan, 74 perawat, 75 apoteker, 79 pelaut,
80 peneliti. Every other working code is informal (BPU), among them 85 perangkat desa and 86 kepala
desa (paid from the village budget, enrolled as BPU under the Kemendagri agreement). The branch
changes any of these in the admin.
"""

from django.db import migrations

NAMES = (
    "BELUM/TIDAK BEKERJA", "MENGURUS RUMAH TANGGA", "PELAJAR/MAHASISWA", "PENSIUNAN",
    "PEGAWAI NEGERI SIPIL (PNS)", "TENTARA NASIONAL INDONESIA (TNI)", "KEPOLISIAN RI (POLRI)", "PERDAGANGAN",
    "PETANI/PEKEBUN", "PETERNAK", "NELAYAN/PERIKANAN", "INDUSTRI", "KONSTRUKSI", "TRANSPORTASI",
    "KARYAWAN SWASTA", "KARYAWAN BUMN", "KARYAWAN BUMD", "KARYAWAN HONORER", "BURUH HARIAN LEPAS",
    "BURUH TANI/PERKEBUNAN", "BURUH NELAYAN/PERIKANAN", "BURUH PETERNAKAN", "PEMBANTU RUMAH TANGGA",
    "TUKANG CUKUR", "TUKANG LISTRIK", "TUKANG BATU", "TUKANG KAYU", "TUKANG SOL SEPATU",
    "TUKANG LAS/PANDAI BESI", "TUKANG JAHIT", "TUKANG GIGI", "PENATA RIAS", "PENATA BUSANA", "PENATA RAMBUT",
    "MEKANIK", "SENIMAN", "TABIB", "PARAJI", "PERANCANG BUSANA", "PENTERJEMAH", "IMAM MESJID", "PENDETA",
    "PASTOR", "WARTAWAN", "USTADZ/MUBALIGH", "JURU MASAK", "PROMOTOR ACARA", "ANGGOTA DPR-RI",
    "ANGGOTA DPD", "ANGGOTA BPK", "PRESIDEN", "WAKIL PRESIDEN", "ANGGOTA MAHKAMAH KONSTITUSI",
    "ANGGOTA KABINET KEMENTERIAN", "DUTA BESAR", "GUBERNUR", "WAKIL GUBERNUR", "BUPATI", "WAKIL BUPATI",
    "WALIKOTA", "WAKIL WALIKOTA", "ANGGOTA DPRD PROVINSI", "ANGGOTA DPRD KABUPATEN/KOTA", "DOSEN", "GURU",
    "PILOT", "PENGACARA", "NOTARIS", "ARSITEK", "AKUNTAN", "KONSULTAN", "DOKTER", "BIDAN", "PERAWAT",
    "APOTEKER", "PSIKIATER/PSIKOLOG", "PENYIAR TELEVISI", "PENYIAR RADIO", "PELAUT", "PENELITI", "SOPIR",
    "PIALANG", "PARANORMAL", "PEDAGANG", "PERANGKAT DESA", "KEPALA DESA", "BIARAWATI", "WIRASWASTA",
    "LAINNYA",
)  # fmt: skip
NOT_WORKING = {1, 2, 3, 4}
FORMAL = {5, 6, 7, 15, 16, 17, 18, *range(48, 64), 64, 65, 66, 72, 73, 74, 75, 79, 80}


def load(apps, schema_editor):
    OccupationCode = apps.get_model("villages", "OccupationCode")
    OccupationCode.objects.bulk_create(
        OccupationCode(
            code=code,
            name=name,
            working=code not in NOT_WORKING,
            informal=code not in NOT_WORKING and code not in FORMAL,
        )
        for code, name in enumerate(NAMES, start=1)
    )


def unload(apps, schema_editor):
    apps.get_model("villages", "OccupationCode").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("villages", "0004_resident_lists")]

    operations = [migrations.RunPython(load, unload)]
