"""The lab network: the server lives in its own network namespace behind a veth pair on
loopback-range addresses (127.10.N.1 here, 127.10.N.2 there), so that iptables can drop
and reset its packets and tc can cap its bandwidth without touching anything else. N comes
from the process id, so two runs on one machine do not share a lab."""

import os
import subprocess

LAB = os.getpid() % 250 + 1
NS = f"crmfault{LAB}"
HOST_IF, NS_IF = f"crmf{LAB}a", f"crmf{LAB}b"
HOST_IP, SERVER_IP = f"127.10.{LAB}.1", f"127.10.{LAB}.2"


def sh(*cmd, check=True):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {result.stderr.strip()}")
    return result


def ns(*cmd, check=True):
    return sh("ip", "netns", "exec", NS, *cmd, check=check)


class Lab:
    def __init__(self, port):
        self.port = port
        self.faults = []

    def setup(self):
        self.teardown()
        sh("ip", "netns", "add", NS)
        sh("ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF)
        sh("ip", "link", "set", NS_IF, "netns", NS)
        sh("ip", "addr", "add", HOST_IP + "/24", "dev", HOST_IF)
        sh("ip", "link", "set", HOST_IF, "up")
        ns("ip", "addr", "add", SERVER_IP + "/24", "dev", NS_IF)
        ns("ip", "link", "set", NS_IF, "up")
        ns("ip", "link", "set", "lo", "up")
        # 127/8 is martian off the loopback interface unless route_localnet allows it.
        for key in ["all", HOST_IF]:
            sh("sysctl", "-qw", f"net.ipv4.conf.{key}.route_localnet=1")
        for key in ["all", NS_IF]:
            ns("sysctl", "-qw", f"net.ipv4.conf.{key}.route_localnet=1")

    def teardown(self):
        sh("ip", "netns", "del", NS, check=False)
        sh("ip", "link", "del", HOST_IF, check=False)

    def clear(self):
        """Heals every network fault."""
        ns("iptables", "-F", "INPUT")
        ns("iptables", "-F", "OUTPUT")
        sh("tc", "qdisc", "del", "dev", HOST_IF, "root", check=False)
        ns("tc", "qdisc", "del", "dev", NS_IF, "root", check=False)
        self.faults = []

    def loss(self, probability):
        """Drops packets both ways at random."""
        for chain, flag, iface in [("INPUT", "-i", NS_IF), ("OUTPUT", "-o", NS_IF)]:
            ns("iptables", "-A", chain, flag, iface, "-p", "tcp", "-m", "statistic", "--mode", "random",
               "--probability", str(probability), "-j", "DROP")
        self.faults.append(f"loss {probability:.0%}")

    def resets(self, probability):
        """Answers some packets to the server with a TCP reset."""
        ns("iptables", "-A", "INPUT", "-i", NS_IF, "-p", "tcp", "--dport", str(self.port), "-m", "statistic",
           "--mode", "random", "--probability", str(probability), "-j", "REJECT", "--reject-with", "tcp-reset")
        self.faults.append(f"resets {probability:.0%}")

    def bandwidth(self, rate="1mbit"):
        """Caps the link both ways with a token bucket."""
        sh("tc", "qdisc", "add", "dev", HOST_IF, "root", "tbf", "rate", rate, "burst", "32kbit", "latency", "400ms")
        ns("tc", "qdisc", "add", "dev", NS_IF, "root", "tbf", "rate", rate, "burst", "32kbit", "latency", "400ms")
        self.faults.append(f"bandwidth {rate}")

    def partition(self):
        """Cuts the server off until `clear`."""
        ns("iptables", "-I", "INPUT", "-i", NS_IF, "-j", "DROP")
        ns("iptables", "-I", "OUTPUT", "-o", NS_IF, "-j", "DROP")
        self.faults.append("partition")
