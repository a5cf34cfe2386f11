"""Open311 GeoReport v2, exercised with an independent client (`georeport` from PyPI) against a
live server in JSON and XML, and with plain HTTP for POST and the errors."""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

from tests.api_helpers import partner
from tests.appeal_helpers import closed, dispatched, new_appeal
from tests.factories import Actors, City
from zhengwu.appeals.models import Appeal
from zhengwu.dispatch.models import Category

FORMATS = ["json", "xml"]


def _get(url: str, **kwargs: object) -> requests.Response:
    return requests.get(url, timeout=10, **kwargs)


def _post(url: str, **kwargs: object) -> requests.Response:
    return requests.post(url, timeout=10, **kwargs)


@pytest.fixture
def catalogue(city: City) -> dict[str, Category]:
    root = Category.objects.create(name="城乡建设", lead_department=city.dept_a)
    lamp = Category.objects.create(name="路灯照明", parent=root, keywords="路灯 照明")
    return {"root": root, "lamp": lamp}


@pytest.fixture
def base(live_server) -> str:
    return f"{live_server.url}/open311/v2"


def _form(key: str, service_code: int | str, **extra: str) -> dict[str, str]:
    return {
        "api_key": key,
        "jurisdiction_id": "zhengzhou.gov.cn",
        "service_code": str(service_code),
        "description": "小区门口的路灯已经坏了两个星期，晚上出行很不方便。联系我13700001111",
        "attribute[appeal_type]": "complaint",
        "phone": "13700001111",
        "last_name": "王",
        "first_name": "五",
        "address_string": "经八路12号院3号楼2单元501",
        "lat": "34.7566123",
        "long": "113.6650456",
        **extra,
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_georeport_client_reads_services_and_definitions(
    base: str, catalogue: dict, fmt: str
) -> None:
    client = GeoReport(base, jurisdiction="zhengzhou.gov.cn", output_format=fmt)
    services = client.get_service_list()
    service = services if isinstance(services, dict) else services[0]  # xmltodict: one → dict
    assert service["service_code"] == str(catalogue["lamp"].pk)
    assert service["group"] == "城乡建设" and service["type"] == "realtime"
    definition = client.get_service_definition(service["service_code"])
    attributes = definition["attributes"]
    codes = [a["code"] for a in (attributes if fmt == "json" else attributes["attribute"])]
    assert codes[0] == "appeal_type"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_georeport_client_follows_requests_without_personal_data(
    base: str, city: City, actors: Actors, catalogue: dict, fmt: str
) -> None:
    key = partner()[1]
    posted = _post(f"{base}/requests.json", data=_form(key, catalogue["lamp"].pk))
    assert posted.status_code == 201, posted.text
    number = posted.json()[0]["service_request_id"]
    client = GeoReport(base, output_format=fmt)
    # Not public until the centre accepts it; its partner sees it with its key.
    hidden = _get(f"{base}/requests.json", params={"service_request_id": number})
    assert hidden.json() == []
    own = _get(f"{base}/requests.json", params={"service_request_id": number, "api_key": key})
    assert own.json()[0]["service_request_id"] == number
    appeal = Appeal.objects.get(number=number)
    from tests.appeal_helpers import actions as hub

    hub.do_dispatch(appeal, hub.Route(city.dept_a), acting_user=actors.dispatcher)
    one = client.get_service_request(number)
    assert one["service_request_id"] == number and one["status"] == "open"
    assert one["agency_responsible"] == city.dept_a.name
    assert one["expected_datetime"].endswith("+08:00")
    assert "13700001111" not in str(one) and "137****1111" in one["description"]
    assert one["lat"] == "34.757" and "501" not in one["address"]
    listed = client.get_service_requests(service_code=str(catalogue["lamp"].pk), status="open")
    listed = [listed] if isinstance(listed, dict) else listed
    assert [r["service_request_id"] for r in listed] == [number]


def test_closed_requests_carry_the_public_timeline(base: str, city: City, actors: Actors) -> None:
    appeal = closed(city, actors)
    one = GeoReport(base).get_service_request(appeal.number)
    assert one["status"] == "closed" and "办结" in one["status_notes"]
    assert one["updated_datetime"]


def test_confidential_and_unaccepted_appeals_never_appear(
    base: str, city: City, actors: Actors
) -> None:
    secret = dispatched(city, actors, is_confidential=True)
    fresh = new_appeal(city)
    for appeal in (secret, fresh):
        response = _get(f"{base}/requests/{appeal.number}.json")
        assert response.status_code == 404
        assert response.json() == [{"code": 404, "description": "未找到。"}]
    assert _get(f"{base}/requests.json").json() == []


def test_post_with_good_bad_and_missing_keys(base: str, actors: Actors, catalogue: dict) -> None:
    key = partner()[1]
    code = catalogue["lamp"].pk
    missing = _post(f"{base}/requests.xml", data={**_form(key, code), "api_key": ""})
    assert missing.status_code == 403 and "<errors><error><code>403</code>" in missing.text
    assert missing.headers["Content-Type"] == "text/xml; charset=utf-8"
    bad = _post(f"{base}/requests.json", data=_form("zw_wrong", code))
    assert bad.status_code == 403
    good = _post(f"{base}/requests.xml", data=_form(key, code))
    assert good.status_code == 201 and "<service_request_id>ZW" in good.text
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"service_code": "999999"}, 404),
        ({"service_code": "abc"}, 404),
        ({"jurisdiction_id": "elsewhere.gov.cn"}, 404),
        ({"description": ""}, 400),
        ({"description": "<b>html</b>很长的描述内容十个字以上"}, 400),
        ({"attribute[appeal_type]": "gossip"}, 400),
        ({"lat": "north"}, 400),
        ({"lat": "123"}, 400),
        ({"phone": "12345"}, 400),
        ({"email": "not-an-email"}, 400),
        ({"attribute[division_code]": "999999999999"}, 400),
        ({"attribute[confidential]": "maybe"}, 400),
        ({"external_id": "x" * 41}, 400),
        ({"media_url": "javascript:alert(1)"}, 400),
    ],
)
def test_post_bad_input_gets_the_spec_error(
    client, actors: Actors, catalogue: dict, change: dict, status: int
) -> None:
    key = partner()[1]
    response = client.post(
        "/open311/v2/requests.json", {**_form(key, catalogue["lamp"].pk), **change}
    )
    assert response.status_code == status, response.content
    assert response.json()[0]["code"] == status and response.json()[0]["description"]
    assert not Appeal.objects.exists()


def test_post_must_be_a_form(client, actors: Actors, catalogue: dict) -> None:
    key = partner()[1]
    response = client.post(
        "/open311/v2/requests.json", f'{{"api_key": "{key}"}}', content_type="application/json"
    )
    assert response.status_code == 400
    xml = client.post("/open311/v2/requests.xml", "<a>", content_type="text/xml")
    assert xml.status_code == 400 and xml.content.startswith(b"<?xml")


def test_get_bad_filters_are_400(client, actors: Actors) -> None:
    for params in (
        {"start_date": "yesterday"},
        {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"},
        {"status": "pending"},
        {"service_request_id": "1;DROP"},
        {"start_date": "9999-12-31T00:00:00+08:00"},
        {"end_date": "0001-01-01T00:00:00+00:00"},
    ):
        response = client.get("/open311/v2/requests.json", params)
        assert response.status_code == 400, params


def test_repeated_external_id_returns_the_same_request(
    client, actors: Actors, catalogue: dict
) -> None:
    key = partner()[1]
    form = _form(key, catalogue["lamp"].pk, external_id="sms-77")
    first = client.post("/open311/v2/requests.json", form).json()[0]
    again = client.post("/open311/v2/requests.json", form).json()[0]
    assert first["service_request_id"] == again["service_request_id"]
    assert first["query_code"] and again["query_code"] is None
    token = client.get("/open311/v2/tokens/sms-77.json", {"api_key": key}).json()
    assert token == [{"service_request_id": first["service_request_id"], "token": "sms-77"}]
    assert client.get("/open311/v2/tokens/sms-77.json").status_code == 404


def test_discovery_and_unknown_paths(client, actors: Actors) -> None:
    discovery = client.get("/open311/v2/discovery.json").json()
    assert discovery["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert client.get("/open311/v2/discovery.xml").content.startswith(b"<?xml")
    assert client.get("/open311/v2/nothing.json").status_code == 404
    assert client.get("/open311/v2/services.csv").status_code == 404
    assert client.get("/open311/v2/services/99999999999999999999999.json").status_code == 404
    assert client.get("/open311/v2/requests/ZW99999999999999.xml").status_code == 404
    assert client.put("/open311/v2/requests.json").status_code == 405


def test_open311_limits_rates_and_sizes(client, actors: Actors, catalogue: dict, settings) -> None:
    settings.API_ANON_RATE_LIMIT = 2
    codes = [client.get("/open311/v2/services.json").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get("/open311/v2/services.xml")["Retry-After"]
    key = partner(rate_limit=1000)[1]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5000
    big = _form(key, catalogue["lamp"].pk, description="很长的描述" * 2000)
    response = client.post("/open311/v2/requests.json", big)
    assert response.status_code == 413 and not Appeal.objects.exists()
