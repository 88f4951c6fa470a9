"""Drives every server action Potions uses through Hetzner's own Python
client (hcloud-python) against the fake: what the client sends and reads
must work as against Hetzner. Run by hetzner-fake/tests/sdk.rs, which starts
the fake and checks every answer against the OpenAPI description."""

import os
import sys

from hcloud import Client
from hcloud.images import Image
from hcloud.locations import Location
from hcloud.server_types import ServerType

client = Client(
    token=os.environ["HCLOUD_TOKEN"],
    api_endpoint=os.environ["HCLOUD_ENDPOINT"],
    poll_interval=0.05,
    poll_max_retries=200,
)


def done(action):
    action.wait_until_finished()
    assert action.status == "success", (action.command, action.status)


created = client.servers.create(
    name="sdk-1",
    server_type=ServerType(name="cx22"),
    image=Image(name="ubuntu-24.04"),
    location=Location(name="fsn1"),
    labels={"managed-by": "potions"},
)
done(created.action)
for action in created.next_actions:
    done(action)
server = client.servers.get_by_id(created.server.id)
assert server.status == "running", server.status
assert client.servers.get_all(label_selector="managed-by=potions")[0].id == server.id

done(server.reboot())
done(server.change_dns_ptr(server.public_net.ipv4.ip, "sdk.example.com"))
done(server.change_protection(delete=True, rebuild=True))
done(server.change_protection(delete=False, rebuild=False))
done(server.enable_backup())
done(server.disable_backup())
server = server.update(name="sdk-2")
assert server.name == "sdk-2", server.name
done(server.shutdown())
done(server.change_type(ServerType(name="ccx13"), upgrade_disk=False))
server = client.servers.get_by_id(server.id)
assert server.server_type.name == "ccx13", server.server_type.name

image = server.create_image(description="sdk snapshot", type="snapshot", labels={"managed-by": "potions"})
done(image.action)
snapshots = client.images.get_all(type="snapshot", label_selector="managed-by=potions")
assert [s.id for s in snapshots] == [image.image.id], snapshots
rebuilt = server.rebuild(Image(id=image.image.id))
done(rebuilt.action)

rescue = server.enable_rescue(type="linux64")
done(rescue.action)
done(server.reboot())
done(server.disable_rescue())

from_snapshot = client.servers.create(
    name="sdk-3",
    server_type=ServerType(name="ccx13"),
    image=Image(id=image.image.id),
    location=Location(name="fsn1"),
)
done(from_snapshot.action)

assert client.images.delete(image.image)
done(client.servers.delete(from_snapshot.server))
done(client.servers.delete(server))
print("hcloud-python drove every action", file=sys.stderr)
