#!/usr/bin/env python3
"""Prints what a sandbox host holds, in a form two runs can be diffed by: every link (name, kind,
alias, master, admin state; MACs inside containers), address and route of the host and of every
named namespace, the nftables ruleset without handles, the files under /run, /run/netns and
/etc/netns with a hash of each, and a line "DUPLICATE address ..." for an IPv4 address held
twice. Values that differ from run to run (ifindex, a host link's random MAC, nftables handles,
the apply lock's content: its last holder's pid) are left out. Used by the crash and concurrency
scenario tests (tests/Topo.Scenarios/Host/CrashScenarioTests.cs)."""
import hashlib, json, os, subprocess, sys

IGNORED_RUN = set(sys.argv[1:])  # files of the test's own under /run


def ip(*args, ns=None):
    cmd = ["ip"] + (["-n", ns] if ns else []) + ["-j", "-d"] + list(args)
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    return json.loads(out) if out.strip() else []


def links(ns):
    rows = []
    for l in ip("link", "show", ns=ns):
        row = [l["ifname"], l.get("linkinfo", {}).get("info_kind", "-"), l.get("ifalias", "-"),
               l.get("master", "-"), "UP" if "UP" in l.get("flags", []) else "DOWN"]
        if ns: row.append(l.get("address", "-"))  # container MACs are topo's choice; host ones are random
        rows.append(" ".join(row))
    return sorted(rows)


def addresses(ns):
    return sorted(f'{a["ifname"]} {i["local"]}/{i["prefixlen"]}' for a in ip("addr", "show", ns=ns) for i in a.get("addr_info", []))


def routes(ns):
    return sorted(" ".join(f"{k}={v}" for k, v in sorted(r.items()) if k not in ("flags",)) for r in ip("route", "show", "table", "all", ns=ns)
                  if r.get("table") not in ("local",))


def drop_handles(value):
    if isinstance(value, dict):
        return {k: drop_handles(v) for k, v in value.items() if k != "handle"}
    if isinstance(value, list):
        return [drop_handles(v) for v in value]
    return value


def ruleset():
    out = subprocess.run(["nft", "-j", "list", "ruleset"], capture_output=True, text=True).stdout
    rows = []
    for item in json.loads(out)["nftables"] if out.strip() else []:
        if "metainfo" in item: continue
        item = drop_handles(item)
        if "set" in item and "elem" in item["set"] or "map" in item and "elem" in item["map"]:
            s = item.get("set") or item.get("map")
            s["elem"] = sorted(s["elem"], key=lambda e: json.dumps(e, sort_keys=True))
        rows.append(json.dumps(item, sort_keys=True))
    return rows


def files():
    rows = []
    for top in ("/run", "/etc/netns"):
        for root, dirs, names in os.walk(top):
            dirs.sort()
            for n in sorted(dirs + names):
                path = os.path.join(root, n)
                if path in IGNORED_RUN or path.startswith("/run/netns/") or any(path.startswith(i + "/") for i in IGNORED_RUN):
                    continue
                if path.endswith("/topo.lock") or path.startswith("/run/topo-nft-cache/") or path.startswith("/run/topo/networks/"):
                    # the last holder's pid; a listing stamped with the sandbox's nftables generation;
                    # network records, stamped with the time the bridge was made: there or not is compared
                    rows.append(path)
                elif os.path.isfile(path) and not os.path.islink(path):
                    with open(path, "rb") as f:
                        rows.append(f"{path} {hashlib.sha256(f.read()).hexdigest()[:12]}")
                else:
                    rows.append(path + ("/" if os.path.isdir(path) else " ->"))
            if root == "/run":
                dirs[:] = [d for d in dirs if d != "netns"]
    return rows


def main():
    names = sorted(os.listdir("/run/netns"))
    print("netns", " ".join(names))
    held = {}
    for ns in [None] + names:
        label = ns or "host"
        for kind, rows in (("link", links(ns)), ("addr", addresses(ns)), ("route", routes(ns))):
            for r in rows: print(label, kind, r)
        for a in ip("addr", "show", ns=ns):
            for i in a.get("addr_info", []):
                if i["family"] == "inet" and not i["local"].startswith("127."):
                    held.setdefault(i["local"], []).append(f'{label}/{a["ifname"]}')
    for address, where in sorted(held.items()):
        if len(where) > 1: print("DUPLICATE address", address, " ".join(where))
    for r in ruleset(): print("nft", r)
    for r in files(): print("file", r)


main()
