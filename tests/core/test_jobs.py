"""Background jobs without a broker (the `make run` default): they run inline at once, in one transaction;
a failure leaves nothing written and tells the user why; only the owner (or a superuser) sees a job."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from core.jobs import JobFailed, job_kind, job_next_url, job_start
from core.models import Job
from tests.factories import UserFactory


@job_kind("tests.make_users", title="Membuat pengguna uji")
def make_users(job: Job, *, names: list[str], fail_after: int | None = None, refuse: str = "") -> None:
    job.report(total=len(names), message="Membuat pengguna…")
    for done, name in enumerate(names, start=1):
        User.objects.create(username=name)
        job.report(done=done)
        if fail_after == done:
            raise RuntimeError("boom: a bug in the job")
        if refuse and refuse == name:
            raise JobFailed(f"Nama {name} tidak boleh dipakai; ganti lalu ulangi.")
    job.result = {"url": reverse("jobs:list")}


@job_kind("tests.report", title="Laporan uji")
def make_report(job: Job, *, text: str) -> None:
    job.attach(name="laporan.txt", content=text.encode())


@pytest.fixture(autouse=True)
def _inline(settings):
    settings.CELERY_BROKER_URL = ""


def test_job_runs_inline_without_a_broker(staff_user):
    job = job_start(kind="tests.make_users", owner=staff_user, params={"names": ["a1", "a2", "a3"]})
    assert job.status == Job.Status.DONE
    assert (job.done, job.total, job.title) == (3, 3, "Membuat pengguna uji")
    assert job.started_at and job.finished_at
    assert set(User.objects.filter(username__in=["a1", "a2", "a3"]).values_list("username", flat=True)) == {
        "a1",
        "a2",
        "a3",
    }
    assert job_next_url(job) == reverse("jobs:list")


def test_unknown_kind_is_refused(staff_user):
    with pytest.raises(ValueError, match="unknown job kind"):
        job_start(kind="tests.nothing", owner=staff_user, params={})
    assert not Job.objects.exists()


def test_a_failing_job_writes_nothing_and_says_so_in_indonesian(staff_user, caplog):
    job = job_start(kind="tests.make_users", owner=staff_user, params={"names": ["b1", "b2", "b3"], "fail_after": 2})
    assert job.status == Job.Status.FAILED
    assert not User.objects.filter(username__startswith="b").exists()
    assert "tidak ada yang disimpan" in job.error
    assert "boom" not in job.error and "Traceback" not in job.error
    assert "boom: a bug in the job" in caplog.text  # the traceback goes to the log


def test_a_job_may_fail_with_its_own_message(staff_user):
    job = job_start(kind="tests.make_users", owner=staff_user, params={"names": ["c1", "c2"], "refuse": "c2"})
    assert job.status == Job.Status.FAILED
    assert job.error == "Nama c2 tidak boleh dipakai; ganti lalu ulangi."
    assert not User.objects.filter(username="c1").exists()


def test_progress_page_and_its_htmx_partial(client, staff_user):
    job = Job.objects.create(kind="tests.make_users", title="Uji", owner=staff_user, done=250, total=1000)
    job.status = Job.Status.RUNNING
    job.message = "Menyimpan baris…"
    job.save()
    client.force_login(staff_user)
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-trigger="every 1s"' in html and "250 dari 1.000 · 25%" in html and "<html" in html
    partial = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body and 'value="25"' in body and "Menyimpan baris…" in body


def test_finished_job_sends_the_user_to_its_result(client, staff_user):
    job = job_start(kind="tests.make_users", owner=staff_user, params={"names": ["d1"]})
    client.force_login(staff_user)
    polled = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert polled.headers["HX-Redirect"] == reverse("jobs:list")
    assert client.get(job.get_absolute_url()).url == reverse("jobs:list")


def test_failed_job_page_shows_the_message_and_stops_polling(client, staff_user):
    job = job_start(kind="tests.make_users", owner=staff_user, params={"names": ["e1"], "refuse": "e1"})
    client.force_login(staff_user)
    html = client.get(job.get_absolute_url()).content.decode()
    assert "Nama e1 tidak boleh dipakai" in html and "every 1s" not in html


def test_job_file_is_downloaded_by_its_owner_only(client, staff_user, official, superuser):
    job = job_start(kind="tests.report", owner=staff_user, params={"text": "isi laporan"})
    assert job.status == Job.Status.DONE and job.file.name.startswith("jobs/")
    client.force_login(staff_user)
    html = client.get(job.get_absolute_url()).content.decode()
    assert reverse("jobs:file", kwargs={"pk": job.pk}) in html
    download = client.get(reverse("jobs:file", kwargs={"pk": job.pk}))
    assert b"".join(download.streaming_content) == b"isi laporan"
    assert "attachment" in download.headers["Content-Disposition"]
    client.force_login(official)
    assert client.get(reverse("jobs:file", kwargs={"pk": job.pk})).status_code == 404
    client.force_login(superuser)
    assert client.get(reverse("jobs:file", kwargs={"pk": job.pk})).status_code == 200


def test_other_users_get_a_404_and_superusers_may_look(client, staff_user, official, superuser):
    job = Job.objects.create(kind="tests.make_users", owner=staff_user)
    client.force_login(official)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).status_code == 404
    assert str(job.pk) not in client.get(reverse("jobs:list")).content.decode()
    client.force_login(superuser)
    assert client.get(job.get_absolute_url()).status_code == 200


def test_my_jobs_lists_the_users_recent_jobs_and_the_menu_links_it(client, staff_user):
    job_start(kind="tests.make_users", owner=staff_user, params={"names": ["f1"]})
    other = UserFactory(username="lain")
    Job.objects.create(kind="tests.make_users", title="Milik orang lain", owner=other)
    client.force_login(staff_user)
    html = client.get(reverse("jobs:list")).content.decode()
    assert "Membuat pengguna uji" in html and "Milik orang lain" not in html
    assert f'href="{reverse("jobs:list")}"' in client.get(reverse("home")).content.decode()


def test_anonymous_users_are_sent_to_login(client, staff_user):
    job = Job.objects.create(kind="tests.make_users", owner=staff_user)
    for url in (reverse("jobs:list"), job.get_absolute_url(), reverse("jobs:file", kwargs={"pk": job.pk})):
        assert client.get(url).url.startswith(reverse("login"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_broker_that_cannot_be_reached_fails_the_job_not_the_request(settings, staff_user, caplog):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    job = job_start(kind="tests.make_users", owner=staff_user, params={"names": ["g1"]})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("Antrean pekerjaan latar tidak dapat dihubungi")
    assert not User.objects.filter(username="g1").exists()
    assert "could not be sent to the broker" in caplog.text
