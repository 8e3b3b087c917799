"""Issue 12 part 5: 25 wrong passwords in 7 s got 401 with no slowdown. Now, per account and per client
address, failures first slow the next try down (a growing delay), then lock the key for a while; a refused
try answers 429 with Retry-After in problem details; an admin unlocks an account (API or CLI); the counts
live in the database, so every process sees them."""
from __future__ import annotations

import threading

from typer.testing import CliRunner

from socreg.cli import app as cli
from tests.auth.conftest import MakePlatform, bearer, cli_env, served, sign_in

NO_DELAY = {"signin_first_delay_seconds": 0.0}


def assert_throttled(answer, at_least: int = 1) -> int:  # type: ignore[no-untyped-def]
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body, retry_after = answer.json(), int(answer.headers["Retry-After"])
    assert body["status"] == 429 and body["rule"] == "auth.throttled" and body["retry_after"] == retry_after
    assert retry_after >= at_least
    return retry_after


def test_wrong_passwords_without_slowdown__are_delayed_more_and_more(make_platform: MakePlatform) -> None:
    with served(make_platform(signin_account_delay_after=2, signin_first_delay_seconds=30,
                              signin_max_delay_seconds=100)) as client:
        for _ in range(2):
            assert sign_in(client, "registrar1", "wrong-password-1234").status_code == 401
        first = assert_throttled(sign_in(client, "registrar1", "wrong-password-1234"), at_least=29)
        assert first <= 30
        # even the right password waits: the wait is decided before the password is looked at
        assert_throttled(sign_in(client, "registrar1"))
        assert sign_in(client, "inspector1").status_code == 200  # another account is not slowed


def test_the_delay_doubles_with_each_further_failure() -> None:
    from datetime import datetime, timedelta, timezone

    from services.registry.domain.signin import Throttle, ThrottleRule

    rule = ThrottleRule(delay_after=3, lock_after=8, window=timedelta(minutes=15), first_delay=timedelta(seconds=1),
                        max_delay=timedelta(seconds=5), lock=timedelta(minutes=15))
    throttle, now, waits = Throttle("account:x"), datetime(2026, 1, 1, tzinfo=timezone.utc), []
    for _ in range(7):
        assert throttle.wait_seconds(rule, now) == 0
        throttle.begin_attempt(rule, now)
        waits.append(throttle.wait_seconds(rule, now))
        now += timedelta(seconds=waits[-1])
    assert waits == [0, 0, 1, 2, 4, 5, 5]  # from the third failure on: 1 s, doubling, at most 5 s
    throttle.begin_attempt(rule, now)  # the eighth: locked for 15 minutes
    assert throttle.wait_seconds(rule, now) == 900
    assert throttle.wait_seconds(rule, now + timedelta(minutes=15)) == 0  # the lock ends by itself
    throttle.begin_attempt(rule, now + timedelta(minutes=15))
    assert throttle.failures == 1  # ... and the count starts again


def test_failures_older_than_the_window_are_forgotten() -> None:
    from datetime import datetime, timedelta, timezone

    from services.registry.domain.signin import Throttle, ThrottleRule

    rule = ThrottleRule(5, 10, timedelta(minutes=15), timedelta(0), timedelta(0), timedelta(minutes=15))
    throttle, start = Throttle("address:10.0.0.1"), datetime(2026, 1, 1, tzinfo=timezone.utc)
    for minute in range(9):
        throttle.begin_attempt(rule, start + timedelta(minutes=minute))
    throttle.begin_attempt(rule, start + timedelta(minutes=16))  # the tenth, but the window began 16 min ago
    assert throttle.failures == 1 and throttle.locked_until is None


def test_ten_failures_lock_the_account_and_an_admin_unlocks_it_through_the_api(make_platform: MakePlatform) -> None:
    with served(make_platform(**NO_DELAY)) as client:  # defaults: locked after 10 failures, for 15 minutes
        for _ in range(10):
            assert sign_in(client, "registrar1", "wrong-password-1234").status_code == 401
        retry_after = assert_throttled(sign_in(client, "registrar1"), at_least=899)
        assert retry_after <= 900
        admin = bearer(sign_in(client, "admin1"))
        refused = client.post("/auth/accounts/registrar1/unlock", headers=bearer(sign_in(client, "inspector1")))
        assert refused.status_code == 403
        assert client.post("/auth/accounts/nobody/unlock", headers=admin).status_code == 404
        unlocked = client.post("/auth/accounts/registrar1/unlock", headers=admin)
        assert unlocked.status_code == 200 and unlocked.json() == {"username": "registrar1", "unlocked": True}
        assert sign_in(client, "registrar1").status_code == 200


def test_socreg_user_unlock_lifts_the_lock(make_platform: MakePlatform) -> None:
    platform = make_platform(**NO_DELAY, signin_account_lock_after=3)
    with served(platform) as client:
        for _ in range(3):
            sign_in(client, "registrar1", "wrong-password-1234")
        assert_throttled(sign_in(client, "registrar1"))
        result = CliRunner().invoke(cli, ["user", "unlock", "registrar1"], env=cli_env(platform))
        assert result.exit_code == 0, result.output
        assert sign_in(client, "registrar1").status_code == 200


def test_guesses_spread_over_many_accounts_are_throttled_per_client_address(make_platform: MakePlatform) -> None:
    with served(make_platform(**NO_DELAY, signin_address_lock_after=6)) as client:
        for n in range(6):  # a different (unknown) account each time: no account reaches its threshold
            assert sign_in(client, f"guess{n}", "wrong-password-1234").status_code == 401
        assert_throttled(sign_in(client, "guess-next", "wrong-password-1234"))
        assert_throttled(sign_in(client, "registrar1"))  # the whole address waits, even for a right password


def test_a_success_forgives_the_address_but_not_other_failures(make_platform: MakePlatform) -> None:
    with served(make_platform(**NO_DELAY, signin_address_lock_after=4)) as client:
        for _ in range(10):  # an office signing in all day does not lock its address
            assert sign_in(client, "registrar1").status_code == 200
        for n in range(3):
            assert sign_in(client, f"guess{n}", "wrong-password-1234").status_code == 401
        assert sign_in(client, "registrar1").status_code == 200
        assert sign_in(client, "guess9", "wrong-password-1234").status_code == 401
        assert_throttled(sign_in(client, "registrar1"))


def test_the_counts_are_shared_by_processes_through_the_database(make_platform: MakePlatform) -> None:
    first, second = make_platform(**NO_DELAY, signin_account_lock_after=3), make_platform(
        **NO_DELAY, signin_account_lock_after=3)
    assert first.registry.db is not second.registry.db  # two containers, engines and apps: as two processes
    with served(first) as one, served(second) as other:
        for _ in range(3):
            assert sign_in(one, "registrar1", "wrong-password-1234").status_code == 401
        assert_throttled(sign_in(other, "registrar1"))


def test_concurrent_guesses_cannot_slip_past_the_count(make_platform: MakePlatform) -> None:
    """Each attempt is counted before its password is checked: 16 guesses at once against an account
    locked after 4 failures get at most 4 password checks."""
    with served(make_platform(**NO_DELAY, signin_account_lock_after=4)) as client:
        statuses: list[int] = []

        def guess() -> None:
            statuses.append(sign_in(client, "registrar1", "wrong-password-1234").status_code)

        threads = [threading.Thread(target=guess) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(set(statuses)) == [401, 429] and statuses.count(401) <= 4, statuses


def test_the_login_page_answers_429_with_retry_after_when_throttled(make_platform: MakePlatform) -> None:
    from tests.auth.test_login_page import page_sign_in

    with served(make_platform(**NO_DELAY, signin_account_lock_after=2)) as client:
        for _ in range(2):
            assert page_sign_in(client, "registrar1", "wrong-password-1234").status_code == 401
        answer = page_sign_in(client, "registrar1")
        assert answer.status_code == 429 and int(answer.headers["Retry-After"]) >= 899
        assert "socreg_session" not in answer.cookies
