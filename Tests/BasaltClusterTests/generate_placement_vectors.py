#!/usr/bin/env python3
"""Generates PlacementVectors.swift: replica lists computed by the Python driver's own placement code.

Not run by the test suite. To regenerate (the output is deterministic):

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install cassandra-driver
    /tmp/venv/bin/python Tests/BasaltClusterTests/generate_placement_vectors.py \
        > Tests/BasaltClusterTests/PlacementVectors.swift

The ring: 11 nodes with 4 vnodes each in three data centers (dc1: racks r1 r2 r3, dc2: racks r1 r2,
dc3: one rack), tokens drawn from a seeded `random.Random`. For every keyspace strategy below and a
set of probe tokens (ring tokens themselves, ring token + 1, the ends of the token space and random
tokens), the replica list is what `TokenMap.get_replicas` returns, i.e. `make_token_replica_map` of
the strategy followed by the driver's `bisect_left` lookup.

Every driver answer is also checked against a port of Cassandra's own placement
(`SimpleStrategy.calculateNaturalReplicas`, `NetworkTopologyStrategy.calculateNaturalReplicas` with
its `DatacenterEndpoints`): the replica *sets* must agree. Driver 3.30 can list a node twice under
NetworkTopologyStrategy (a node on an already used rack is set aside each time one of its vnodes
comes round, and all copies are appended once the last rack is placed; it takes RF >= racks + 2).
Those answers are wrong, Cassandra never repeats a replica, so they are left out of the table and
counted in its header; Basalt's own test covers that case with Cassandra's answer.
"""

import random
import sys
from bisect import bisect_left

from cassandra.connection import DefaultEndPoint
from cassandra.metadata import KeyspaceMetadata, Murmur3Token, TokenMap
from cassandra.policies import SimpleConvictionPolicy
from cassandra.pool import Host

SEED = 20240601
TOKENS_PER_NODE = 4
PORT = 7000

# (last octet of 127.0.0.x, data center, rack)
NODES = [
    (1, "dc1", "r1"), (2, "dc1", "r2"), (3, "dc1", "r3"), (4, "dc1", "r1"), (5, "dc1", "r2"),
    (6, "dc2", "r1"), (7, "dc2", "r2"), (8, "dc2", "r1"), (9, "dc2", "r2"),
    (10, "dc3", "r1"), (11, "dc3", "r1"),
]

# name -> (driver strategy class, options, Swift expression)
STRATEGIES = {
    "simple1": ("SimpleStrategy", {"replication_factor": "1"}, ".simple(replicationFactor: 1)"),
    "simple3": ("SimpleStrategy", {"replication_factor": "3"}, ".simple(replicationFactor: 3)"),
    "simple20": ("SimpleStrategy", {"replication_factor": "20"}, ".simple(replicationFactor: 20)"),
    "nts_dc1_3_dc2_2": ("NetworkTopologyStrategy", {"dc1": "3", "dc2": "2"},
                        '.networkTopology(["dc1": 3, "dc2": 2])'),
    "nts_dc1_2_dc2_3_dc3_1": ("NetworkTopologyStrategy", {"dc1": "2", "dc2": "3", "dc3": "1"},
                              '.networkTopology(["dc1": 2, "dc2": 3, "dc3": 1])'),
    "nts_dc1_5_dc2_4_dc3_3": ("NetworkTopologyStrategy", {"dc1": "5", "dc2": "4", "dc3": "3"},
                              '.networkTopology(["dc1": 5, "dc2": 4, "dc3": 3])'),
    "nts_dc9_3_dc1_0": ("NetworkTopologyStrategy", {"dc9": "3", "dc1": "0"},
                        '.networkTopology(["dc9": 3, "dc1": 0])'),
}

MIN_TOKEN = -(2 ** 63)
MAX_TOKEN = 2 ** 63 - 1


def build_ring(rng):
    hosts = {}
    owner_by_token = {}
    tokens_by_host = {}
    for octet, dc, rack in NODES:
        host = Host(DefaultEndPoint("127.0.0.%d" % octet, 9042), SimpleConvictionPolicy, datacenter=dc, rack=rack)
        hosts[octet] = host
        tokens = set()
        while len(tokens) < TOKENS_PER_NODE:
            token = rng.randint(MIN_TOKEN + 1, MAX_TOKEN)
            if token not in owner_by_token:
                tokens.add(token)
        for token in tokens:
            owner_by_token[token] = host
        tokens_by_host[octet] = sorted(tokens)
    return hosts, owner_by_token, tokens_by_host


class FakeMetadata:
    """The part of cassandra.metadata.Metadata that TokenMap reads: the keyspaces."""

    def __init__(self):
        self.keyspaces = {
            name: KeyspaceMetadata(name, True, strategy_class, options)
            for name, (strategy_class, options, _) in STRATEGIES.items()
        }


def cassandra_replicas(strategy_class, options, ring, owner_by_token, token):
    """Cassandra's calculateNaturalReplicas (4.x), as a set."""
    start = bisect_left(ring, token) % len(ring)
    walk = [owner_by_token[ring[(start + step) % len(ring)]] for step in range(len(ring))]
    if strategy_class == "SimpleStrategy":
        factor = int(options["replication_factor"])
        chosen = []
        for host in walk:
            if len(chosen) == factor:
                break
            if host not in chosen:
                chosen.append(host)
        return set(chosen)
    nodes_by_dc, racks_by_dc = {}, {}
    for host in owner_by_token.values():
        nodes_by_dc.setdefault(host.datacenter, set()).add(host)
        racks_by_dc.setdefault(host.datacenter, set()).add(host.rack)
    state = {}
    for dc, factor in ((dc, int(rf)) for dc, rf in options.items()):
        if factor <= 0 or dc not in nodes_by_dc:
            continue
        state[dc] = {"rf_left": min(factor, len(nodes_by_dc[dc])),
                     "repeats": factor - len(racks_by_dc[dc]), "racks": set()}
    chosen = set()
    for host in walk:
        entry = state.get(host.datacenter)
        if entry is None or entry["rf_left"] == 0 or host in chosen:
            continue
        if host.rack not in entry["racks"]:
            entry["racks"].add(host.rack)
        elif entry["repeats"] > 0:
            entry["repeats"] -= 1
        else:
            continue
        entry["rf_left"] -= 1
        chosen.add(host)
    return chosen


def main():
    rng = random.Random(SEED)
    hosts, owner_by_token, tokens_by_host = build_ring(rng)
    ring = sorted(Murmur3Token(token) for token in owner_by_token)
    owners = {Murmur3Token(token): host for token, host in owner_by_token.items()}
    token_map = TokenMap(Murmur3Token, owners, ring, FakeMetadata())
    raw_ring = [token.value for token in ring]

    probes = [MIN_TOKEN, MIN_TOKEN + 1, MAX_TOKEN, raw_ring[0], raw_ring[-1], raw_ring[-1] + 1]
    probes += [raw_ring[index] for index in range(0, len(raw_ring), 4)]
    probes += [raw_ring[index] + 1 for index in range(2, len(raw_ring), 5)]
    probes += [rng.randint(MIN_TOKEN + 1, MAX_TOKEN) for _ in range(6)]

    rows, skipped = [], 0
    for name, (strategy_class, options, _) in STRATEGIES.items():
        for token in probes:
            replicas = token_map.get_replicas(name, Murmur3Token(token))
            expected = cassandra_replicas(strategy_class, options, raw_ring, owner_by_token, token)
            if len(set(replicas)) != len(replicas):
                skipped += 1
                continue
            if set(replicas) != expected:
                sys.exit("driver and Cassandra disagree for %s at %d" % (name, token))
            octets = [int(host.endpoint.address.rsplit(".", 1)[1]) for host in replicas]
            rows.append((name, token, octets))

    out = sys.stdout
    out.write("// Generated by generate_placement_vectors.py (cassandra-driver %s, seed %d); do not edit.\n"
              % (__import__("cassandra").__version__, SEED))
    out.write("// %d cases; %d driver answers that list a node twice were left out (see the script).\n"
              % (len(rows), skipped))
    out.write("@testable import BasaltCluster\n\n")
    out.write("enum PlacementVectors {\n")
    out.write("    /// (last octet of 127.0.0.x, data center, rack, tokens)\n")
    out.write("    static let nodes: [(octet: Int, dataCenter: String, rack: String, tokens: [Int64])] = [\n")
    for octet, dc, rack in NODES:
        tokens = ", ".join(str(token) for token in tokens_by_host[octet])
        out.write('        (%d, "%s", "%s", [%s]),\n' % (octet, dc, rack, tokens))
    out.write("    ]\n\n")
    out.write("    static let strategies: [String: ReplicationStrategy] = [\n")
    for name, (_, _, swift) in STRATEGIES.items():
        out.write('        "%s": %s,\n' % (name, swift))
    out.write("    ]\n\n")
    out.write("    /// (strategy name, token, replicas as last octets, in the driver's order)\n")
    out.write("    static let cases: [PlacementCase] = [\n")
    for name, token, octets in rows:
        out.write('        PlacementCase("%s", %d, [%s]),\n' % (name, token, ", ".join(str(o) for o in octets)))
    out.write("    ]\n}\n")


if __name__ == "__main__":
    main()
