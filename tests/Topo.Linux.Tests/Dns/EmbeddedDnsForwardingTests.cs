using System.Diagnostics;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;
using Topo.Linux.Dns;
using static Topo.Linux.Tests.Dns.DnsTestViews;

namespace Topo.Linux.Tests.Dns;

/// <summary>Names the views do not hold go to the upstream servers of resolv.conf (dnsmasq in an outside namespace), dialled from the host namespace.</summary>
public sealed class EmbeddedDnsForwardingTests
{
    private static DnsSandbox Serve(string resolvConf, EmbeddedDnsOptions? options = null)
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        var dns = new DnsSandbox(options, resolvConf);
        dns.Containers("c1");
        Assert.True(dns.Dns.Update([View("c1", Backend())]).Succeeded);
        return dns;
    }

    // A TXT record longer than 512 bytes: over UDP without EDNS dnsmasq truncates it.
    private static readonly string BigTxt = "--txt-record=big.test," + string.Join(",", Enumerable.Repeat(new string('x', 200), 4));

    [Fact]
    public void Udp_and_tcp_queries_are_forwarded_over_their_own_transport_with_tc_kept()
    {
        using var dns = Serve($"nameserver {DnsSandbox.UpstreamA}\n");
        dns.Dnsmasq(DnsSandbox.UpstreamA, "--address=/outside.test/10.9.9.9", BigTxt);
        Assert.Equal(["10.9.9.9"], dns.Short("c1", "outside.test"));
        Assert.Equal(["10.9.9.9"], dns.Short("c1", "+tcp outside.test"));
        var udp = dns.Dig("c1", "+noedns +ignore big.test TXT");
        Assert.Matches(@"flags: qr aa tc rd ra; QUERY: 1, ANSWER: 0", udp); // dnsmasq's truncated reply, as it sent it
        var tcp = dns.Dig("c1", "+tcp big.test TXT");
        Assert.Contains("ANSWER: 1", tcp);
        Assert.Contains(new string('x', 200), tcp);
        Assert.Equal(4, dns.Dns.Statistics.Forwarded);

        using var client = dns.UdpClient("c1"); // the client's id goes upstream and comes back
        client.ReceiveTimeout = 5000;
        client.Send(Query("outside.test", RecordType.A, id: 0xBEEF));
        var buffer = new byte[512];
        var reply = Parse(buffer[..client.Receive(buffer)]);
        Assert.Equal(0xBEEF, reply.TransactionID);
        Assert.Equal("10.9.9.9", Assert.Single(reply.AnswerRecords.OfType<ARecord>()).Address.ToString());
    }

    [Fact]
    public void An_ipv6_upstream_server_is_reached_too()
    {
        using var dns = Serve("nameserver fd00:9::2\n");
        Sandbox.Sandbox.Ip(dns.Box.Host, "addr add fd00:9::1/64 dev uplink0 nodad");
        Sandbox.Sandbox.Ip(dns.Box.Outside!, "addr add fd00:9::2/64 dev eth0 nodad");
        dns.Dnsmasq("fd00:9::2", "--address=/outside.test/10.9.9.9");
        Assert.Equal(["10.9.9.9"], dns.Short("c1", "outside.test"));
        Assert.Equal(["10.9.9.9"], dns.Short("c1", "+tcp outside.test"));
    }

    [Fact]
    public void A_silent_first_server_is_passed_over_within_the_per_server_timeout()
    {
        using var dns = Serve($"nameserver {DnsSandbox.Silent}\nnameserver {DnsSandbox.UpstreamA}\n");
        dns.SilentServer(DnsSandbox.Silent);
        dns.Dnsmasq(DnsSandbox.UpstreamA, "--address=/outside.test/10.9.9.9");
        var clock = Stopwatch.StartNew();
        Assert.Equal(["10.9.9.9"], dns.Short("c1", "outside.test")); // dig: one try, 5 s
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.4, 4);
    }

    [Fact]
    public void An_unreachable_first_server_is_passed_over_at_once()
    {
        using var dns = Serve($"nameserver {DnsSandbox.Closed}\nnameserver {DnsSandbox.UpstreamA}\n");
        dns.Dnsmasq(DnsSandbox.UpstreamA, "--address=/outside.test/10.9.9.9");
        var answer = dns.Dig("c1", "outside.test");
        Assert.Contains("10.9.9.9", answer);
        // dig's own clock, from query to answer: starting processes on a loaded machine is not
        // counted. Waiting for the dead server would cost the 1.5 s per-server timeout.
        var took = QueryMilliseconds(answer);
        Assert.True(took < 1000, $"took {took} ms:\n{answer}");
    }

    private static int QueryMilliseconds(string digOutput) =>
        int.Parse(System.Text.RegularExpressions.Regex.Match(digOutput, @"Query time: (\d+) msec").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_refusing_server_is_passed_over_and_when_all_fail_the_client_hears_it_before_its_timeout()
    {
        // A knows only outside.test and refuses the rest (no upstream of its own); B knows other.test
        using var dns = Serve($"nameserver {DnsSandbox.UpstreamA}\nnameserver {DnsSandbox.UpstreamB}\n");
        dns.Dnsmasq(DnsSandbox.UpstreamA, "--address=/outside.test/10.9.9.9");
        dns.Dnsmasq(DnsSandbox.UpstreamB, "--address=/other.test/10.8.8.8");
        Assert.Equal(["10.8.8.8"], dns.Short("c1", "other.test"));
        Assert.Equal(["10.8.8.8"], dns.Short("c1", "+tcp other.test"));
        var failures = dns.Dns.Statistics.ForwardFailures;
        Assert.Contains("status: REFUSED", dns.Dig("c1", "nowhere.test")); // both refuse: the last refusal
        Assert.Equal(failures + 1, dns.Dns.Statistics.ForwardFailures);
    }

    [Fact]
    public void No_upstream_server_configured_is_servfail_at_once()
    {
        using var dns = Serve("# nothing here\nsearch example.com\n");
        var clock = Stopwatch.StartNew();
        Assert.Contains("status: SERVFAIL", dns.Dig("c1", "outside.test"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1));
        Assert.Equal(["172.18.0.2"], dns.Short("c1", "web")); // local names need no upstream
    }

    [Fact]
    public void Every_server_silent_is_servfail_within_the_budget_not_the_clients_timeout()
    {
        using var dns = Serve($"nameserver {DnsSandbox.Silent}\nnameserver 10.9.0.7\nnameserver 10.9.0.8\nnameserver 10.9.0.9\n");
        dns.SilentServer(DnsSandbox.Silent);
        foreach (var a in new[] { "10.9.0.7", "10.9.0.8", "10.9.0.9" })
        {
            Sandbox.Sandbox.Ip(dns.Box.Outside!, $"addr add {a}/24 dev eth0 nodad");
            dns.SilentServer(a);
        }
        var answer = dns.Dig("c1", "outside.test");
        Assert.Contains("status: SERVFAIL", answer);
        // dig's own clock (process start on a loaded machine not counted): the 4 s budget, not 4 × 1.5 s.
        Assert.InRange(QueryMilliseconds(answer), 3500, 5200);
    }

    [Fact]
    public void A_resolv_conf_replaced_by_rename_is_used_at_once()
    {
        using var dns = Serve($"nameserver {DnsSandbox.UpstreamA}\n");
        dns.Dnsmasq(DnsSandbox.UpstreamA, "--address=/which.test/10.0.0.1");
        dns.Dnsmasq(DnsSandbox.UpstreamB, "--address=/which.test/10.0.0.2");
        Assert.Equal(["10.0.0.1"], dns.Short("c1", "which.test"));
        dns.ReplaceResolvConf($"# moved\nnameserver {DnsSandbox.UpstreamB}\n");
        DnsSandbox.WaitFor(() => dns.Dns.UpstreamServers.Count == 1 && dns.Dns.UpstreamServers[0].Address.ToString() == DnsSandbox.UpstreamB,
            TimeSpan.FromSeconds(5), "the new resolv.conf");
        Assert.Equal(["10.0.0.2"], dns.Short("c1", "which.test"));
        File.WriteAllText(dns.ResolvConf, $"nameserver {DnsSandbox.UpstreamA}\n"); // written in place
        DnsSandbox.WaitFor(() => dns.Dns.UpstreamServers is [var only] && only.Address.ToString() == DnsSandbox.UpstreamA, TimeSpan.FromSeconds(5), "the rewritten resolv.conf");
        Assert.Equal(["10.0.0.1"], dns.Short("c1", "which.test"));
    }

    [Fact]
    public void A_resolv_conf_symlink_is_followed_and_its_target_watched()
    {
        Sandbox.Sandbox.SkipUnlessRoot();
        using var dns = new DnsSandbox();
        var run = Directory.CreateDirectory(Path.Combine(dns.Box.Root, "run-resolve")).FullName;
        var etc = Directory.CreateDirectory(Path.Combine(dns.Box.Root, "etc-resolv")).FullName;
        var target = Path.Combine(run, "stub-resolv.conf");
        File.WriteAllText(target, $"nameserver {DnsSandbox.UpstreamA}\n");
        var link = Path.Combine(etc, "resolv.conf");
        File.CreateSymbolicLink(link, target);
        using var engine = new EmbeddedDns(dns.Box.Store, new EmbeddedDnsOptions { ResolvConfPath = link, UpstreamNamespace = dns.Box.Host, Port = 5353 });
        Assert.Equal(DnsSandbox.UpstreamA, engine.UpstreamServers.Single().Address.ToString());
        dns.ReplaceResolvConf($"nameserver {DnsSandbox.UpstreamB}\n", target); // systemd-resolved rewrites its file by rename
        DnsSandbox.WaitFor(() => engine.UpstreamServers.Single().Address.ToString() == DnsSandbox.UpstreamB, TimeSpan.FromSeconds(5), "the target's change");
        var other = Path.Combine(run, "other.conf");
        File.WriteAllText(other, $"nameserver {DnsSandbox.Closed}\n");
        File.Delete(link + ".new");
        File.CreateSymbolicLink(link + ".new", other);
        File.Move(link + ".new", link, overwrite: true); // the link itself replaced
        DnsSandbox.WaitFor(() => engine.UpstreamServers.Single().Address.ToString() == DnsSandbox.Closed, TimeSpan.FromSeconds(5), "the new link");
    }

    [Fact]
    public void Beyond_the_forwards_in_flight_bound_a_query_gets_servfail_at_once_and_is_counted()
    {
        using var dns = Serve($"nameserver {DnsSandbox.Silent}\n", new EmbeddedDnsOptions { MaxForwardsInFlight = 1 });
        dns.SilentServer(DnsSandbox.Silent);
        using var client = dns.UdpClient("c1");
        client.ReceiveTimeout = 5000;
        client.Send(Query("first.test", RecordType.A, id: 1)); // holds the only slot for 1.5 s
        DnsSandbox.WaitFor(() => dns.Dns.ForwardsInFlight == 1, TimeSpan.FromSeconds(1), "the first forward");
        var clock = Stopwatch.StartNew();
        client.Send(Query("second.test", RecordType.A, id: 2));
        var buffer = new byte[512];
        var reply = Parse(buffer[..client.Receive(buffer)]);
        Assert.Equal(2, reply.TransactionID);
        Assert.Equal(ReturnCode.ServerFailure, reply.ReturnCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1));
        Assert.Equal(1, dns.Dns.Statistics.Overloaded);
        var first = Parse(buffer[..client.Receive(buffer)]); // then the first one's own SERVFAIL (its only server timed out)
        Assert.Equal(1, first.TransactionID);
        Assert.Equal(ReturnCode.ServerFailure, first.ReturnCode);
    }
}
