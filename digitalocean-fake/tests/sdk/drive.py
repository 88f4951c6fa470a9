"""Drives every call Potions makes through DigitalOcean's own Python client
(pydo) against the fake: what the client sends and reads must work as
against DigitalOcean. Run by digitalocean-fake/tests/fake/sdk.rs, which
starts the fake, grants Potions' scopes and checks every answer against the
OpenAPI description. Actions complete on the fake's clock, which this
script advances through the fake's admin route."""

import json
import os
import sys
import urllib.request

from azure.core.pipeline.policies import _authentication
from pydo import Client

# The fake serves plain HTTP on 127.0.0.1, where the client's transport
# (azure-core) refuses to send a bearer token: allowed here, for the fake only.
_authentication._enforce_https = lambda request: None

client = Client(token=os.environ["DIGITALOCEAN_TOKEN"], endpoint=os.environ["DIGITALOCEAN_ENDPOINT"])
CLOCK = os.environ["FAKE_CLOCK_URL"]
KEY = os.environ["SSH_PUBLIC_KEY"]


def tick():
    body = json.dumps({"advance_secs": 1}).encode()
    request = urllib.request.Request(CLOCK, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    urllib.request.urlopen(request).close()


def done(action_id):
    for _ in range(30):
        tick()
        action = client.actions.get(action_id)["action"]
        if action["status"] == "completed":
            return
        assert action["status"] == "in-progress", action
    raise AssertionError(f"action {action_id} never completed")


def act(droplet_id, body):
    done(client.droplet_actions.post(droplet_id, body=body)["action"]["id"])


assert client.account.get()["account"]["status"] == "active"
assert any(r["slug"] == "fra1" for r in client.regions.list()["regions"])
assert any(s["slug"] == "s-1vcpu-1gb" for s in client.sizes.list()["sizes"])
images = client.images.list(type="distribution")["images"]
ubuntu = next(i for i in images if i["slug"] == "ubuntu-24-04-x64")

key = client.ssh_keys.create(body={"name": "sdk", "public_key": KEY})["ssh_key"]
assert any(k["id"] == key["id"] for k in client.ssh_keys.list()["ssh_keys"])
client.tags.create(body={"name": "potions"})

created = client.droplets.create(
    body={
        "name": "sdk-1",
        "region": "fra1",
        "size": "s-1vcpu-1gb",
        "image": ubuntu["id"],
        "ssh_keys": [key["id"]],
        "tags": ["potions"],
    }
)
droplet_id = created["droplet"]["id"]
done(created["links"]["actions"][0]["id"])
tagged = client.droplets.list(tag_name="potions")["droplets"]
assert [d["id"] for d in tagged] == [droplet_id], tagged
assert client.droplets.get(droplet_id)["droplet"]["status"] == "active"

act(droplet_id, {"type": "reboot"})
act(droplet_id, {"type": "rename", "name": "sdk-2"})
act(droplet_id, {"type": "enable_backups", "backup_policy": {"plan": "weekly", "weekday": "SUN", "hour": 0}})
act(droplet_id, {"type": "disable_backups"})
act(droplet_id, {"type": "shutdown"})
act(droplet_id, {"type": "resize", "size": "s-2vcpu-2gb", "disk": False})
act(droplet_id, {"type": "power_on"})
act(droplet_id, {"type": "snapshot", "name": "potions: sdk"})

mine = client.droplets.list_snapshots(droplet_id)["snapshots"]
assert [s["name"] for s in mine] == ["potions: sdk"], mine
team = client.snapshots.list(resource_type="droplet")["snapshots"]
snapshot_id = int(team[0]["id"])
assert snapshot_id == mine[0]["id"], team
act(droplet_id, {"type": "rebuild", "image": snapshot_id})

from_snapshot = client.droplets.create(
    body={"name": "sdk-3", "region": "fra1", "size": "s-1vcpu-1gb", "image": snapshot_id}
)
done(from_snapshot["links"]["actions"][0]["id"])

client.droplets.destroy(from_snapshot["droplet"]["id"])
client.droplets.destroy(droplet_id)
assert client.snapshots.list(resource_type="droplet")["snapshots"], "kept after the droplet"
client.snapshots.delete(snapshot_id)
client.ssh_keys.delete(key["id"])
print("pydo drove every call", file=sys.stderr)
