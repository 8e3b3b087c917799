from datetime import date
from services.registry.domain import uscc as U
W=(7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2)
def rid(n):
    body = "3502031980010" + f"{n:04d}"
    return body+"10X98765432"[sum(int(c)*w for c,w in zip(body,W))%11]
def body(name, n, **kw):
    b=dict(name=name,type="social_group",category="industry_association",level="city",district="350200",
      domicile="厦门市思明区1号",legal_representative=dict(name="张三",id_number=rid(n),phone="13800000000"),
      registered_funds="30000",business_scope="行业服务",members={"individual":50,"unit":0},established_on="2026-01-01")
    b.update(kw); return b
def test_probe(client, registrar, inspector):
    code = U.compose("1","350200","00000001")
    r = client.post("/registry/organizations", json=body("厦门丙协会",3, registered_on="2030-01-01", uscc=code), headers=registrar)
    print(r.status_code, r.text[:200])
    a = client.post("/registry/organizations", json=body("厦门甲协会",1), headers=registrar); u=a.json()['uscc']
    r = client.post(f"/registry/organizations/{u}/revocation", json={"legal_basis":"SHT art 30","effective_on":"2031-01-01"}, headers=registrar)
    print(r.status_code, r.text[:300])
    r = client.get("/registry/uscc/"+"A"*41); print(r.status_code, r.text[:300])
    r = client.get("/registry/uscc/91350100M000100Y4Z"); print(r.status_code, r.text[:600])
    r = client.get("/registry/organizations?size=0", headers=registrar); print(r.status_code, r.text[:300])
    r = client.post("/registry/organizations", json=body("厦门丁协会",4, established_on="2027-01-01"), headers=registrar)
    print(r.status_code, r.text[:300])
    r = client.post("/registry/organizations", json=body("厦门丁协会",4, registered_funds=True), headers=registrar)
    print(r.status_code, r.text[:300])
    r = client.post("/registry/organizations", content=b"x"*(10*1024*1024), headers={**registrar,"content-type":"application/json"})
    print(r.status_code, r.text[:300])
    r = client.post("/registry/organizations", json=body("厦"*(10*1024*1024),4), headers=registrar)
    print(r.status_code, r.text[:300])
    assert 0
