using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Rendering;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Rendering;

public sealed class TextRendererTests
{
    public static TheoryData<string> Plans => ["create", "change", "empty", "files"];

    internal static Plan Sample(string name) => name switch
    {
        "create" => Samples.CreatePlan(),
        "change" => Samples.ChangePlan(),
        "files" => Samples.FilesPlan(),
        "empty" => Samples.EmptyPlan(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void Plain_text_matches_the_golden_file(string name) =>
        Golden.Verify($"rendering/{name}.txt", TextRenderer.Render(Sample(name)));

    [Theory]
    [MemberData(nameof(Plans))]
    public void Coloured_text_matches_the_golden_file(string name) =>
        Golden.Verify($"rendering/{name}.color.txt", TextRenderer.Render(Sample(name), new TextRenderOptions(Color: true)));

    [Theory]
    [MemberData(nameof(Plans))]
    public void Rendering_is_deterministic(string name) =>
        Assert.Equal(TextRenderer.Render(Sample(name)), TextRenderer.Render(Sample(name)));

    [Fact]
    public void Colour_off_has_no_escape_bytes_and_colour_on_has_them()
    {
        var plan = Samples.ChangePlan();
        Assert.DoesNotContain('\u001b', TextRenderer.Render(plan));
        Assert.DoesNotContain('\u001b', TextRenderer.Render(plan, new TextRenderOptions(Color: false)));

        var colored = TextRenderer.Render(plan, new TextRenderOptions(Color: true));
        Assert.Contains("\u001b[33m  ~\u001b[0m link br-1a2b3c4d5e6f (bridge)", colored);
        Assert.Contains("\u001b[35m-/+\u001b[0m link metrics/eth1 (macvlan)", colored);
        Assert.Contains("\u001b[31m  -\u001b[0m link veth9a8b7c6 (veth)", colored);
    }

    [Fact]
    public void Groups_come_host_first_then_networks_then_containers()
    {
        var lines = TextRenderer.Render(Samples.CreatePlan()).Split('\n');
        var headers = lines.Where(l => l is "host" || l.StartsWith("network ", StringComparison.Ordinal) || l.StartsWith("container ", StringComparison.Ordinal)).ToList();

        Assert.Equal(["host", "network frontend", "container db", "container wordpress"], headers);
    }

    [Fact]
    public void Shows_changes_reasons_includes_and_the_summary()
    {
        var text = TextRenderer.Render(Samples.ChangePlan());

        Assert.Contains("      ~ mtu: 1500 → 9000\n", text);
        Assert.Contains("      ~ parent: enp1s0 → enp2s0  # forces replacement\n", text);
        Assert.Contains("      - deleted with it: link cache/eth0 (veth)\n", text);
        Assert.Contains("    # container cache is no longer in the topology\n", text);
        Assert.EndsWith("Plan: 1 to add, 1 to change, 4 to destroy.\n", text);
    }

    [Fact]
    public void A_files_content_shows_its_lines_and_a_change_only_the_lines_removed_and_added()
    {
        var text = TextRenderer.Render(Samples.FilesPlan());

        Assert.Contains(
            "  + file wordpress/resolv.conf\n" +
            "      + label:   topo:wordpress:container:wordpress\n" +
            "      + content:\n" +
            "          nameserver 127.0.0.11\n" +
            "          search example.com\n" +
            "          options edns0 ndots:0\n", text);
        Assert.Contains(
            "  ~ file wordpress/hosts\n" +
            "      ~ content:\n" +
            "          - 172.18.0.4\tcache cache.frontend\n" +
            "          + 172.18.0.3\tdb db.frontend\n\n", text);
        // A control character edited into a file is shown, never sent to the terminal; so is a missing final newline.
        Assert.Contains(
            "      ~ content:\n" +
            "          - nameserver \\x1b[31m10.0.0.1\n" +
            "          - options ndots:0\n" +
            "          - (no newline at end of file)\n" +
            "          + search example.com\n" +
            "          + options edns0 ndots:0\n", text);
        Assert.DoesNotContain('\u001b', text);
    }

    [Fact]
    public void Files_changed_alike_each_show_their_own_lines()
    {
        // Hosts files of a network's members are one string (resolver and observer share it), and
        // their diff is worked out once: a file that shares only the old text must not get theirs.
        var before = "10.0.0.2\tweb web.lan\n";
        var after = before + "10.0.0.3\tapi api.lan\n";
        var other = before + "10.0.0.9\tdb db.lan\n";
        PlanAction Update(int id, string ns, string to) =>
            new(id, ActionKind.Update, Samples.HostsFile(ns, before), Samples.HostsFile(ns, to),
                [new AttributeChange(AttributeKind.Content, before, to, ForcesReplace: false)], "differs on the host: content", [], []);
        var plan = new Plan(Samples.Project, [Update(1, "a", after), Update(2, "b", after), Update(3, "c", other)], HostState.Empty);

        var text = TextRenderer.Render(plan);

        foreach (var (ns, line) in new[] { ("a", "api api.lan"), ("b", "api api.lan"), ("c", "db db.lan") })
        {
            var section = text[text.IndexOf($"file {ns}/hosts", StringComparison.Ordinal)..];
            section = section[..section.IndexOf("\n\n", StringComparison.Ordinal)];
            Assert.Contains(line, section);
            Assert.Single(section.Split('\n'), l => l.Contains("+ 10.0.0.", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_long_file_content_or_change_shown_before_is_named_instead_of_shown_again()
    {
        // Every container on a network gets the same hosts file: shown once, then named. Equal texts
        // count whatever strings hold them; a short block is shown again (a reference is no shorter).
        var hosts = "127.0.0.1\tlocalhost\n10.0.0.2\ta a.lan\n10.0.0.3\tb b.lan\n10.0.0.4\tc c.lan\n";
        var other = hosts + "10.0.0.9\td d.lan\n";
        var resolv = "nameserver 127.0.0.11\noptions ndots:0\n";
        var more = hosts + "10.0.0.5\te e.lan\n10.0.0.6\tf f.lan\n10.0.0.7\tg g.lan\n10.0.0.8\th h.lan\n";
        NamespaceFileState File(string ns, string content) => new(ns, NamespaceFileState.Hosts, content);
        PlanAction Create(int id, string ns, string content) => new(id, ActionKind.Create, null, File(ns, content), [], "new", [], []);
        PlanAction Update(int id, string ns, string from, string to) =>
            new(id, ActionKind.Update, File(ns, from), File(ns, to),
                [new AttributeChange(AttributeKind.Content, from, to, ForcesReplace: false)], "differs", [], []);
        var plan = new Plan(Samples.Project,
        [
            Create(1, "a", hosts), Create(2, "b", new string(hosts.AsSpan())), Create(3, "c", other),
            Create(4, "d", resolv), Create(5, "e", new string(resolv.AsSpan())),
            Update(6, "f", hosts, more), Update(7, "g", new string(hosts.AsSpan()), new string(more.AsSpan())), Update(8, "h", other, more),
        ], HostState.Empty);

        var text = TextRenderer.Render(plan);

        string Section(string ns)
        {
            var at = text[text.IndexOf($"file {ns}/hosts", StringComparison.Ordinal)..];
            return at[..at.IndexOf("\n\n", StringComparison.Ordinal)];
        }
        Assert.Contains("10.0.0.4\tc c.lan", Section("a"));
        Assert.EndsWith("+ content: the same as file a/hosts above (4 lines)", Section("b"));
        Assert.Contains("10.0.0.9\td d.lan", Section("c"));
        Assert.Contains("nameserver 127.0.0.11", Section("d"));
        Assert.Contains("nameserver 127.0.0.11", Section("e"));
        Assert.Contains("+ 10.0.0.8\th h.lan", Section("f"));
        Assert.EndsWith("~ content: the same change as file f/hosts above (4 lines)", Section("g"));
        Assert.Contains("- 10.0.0.9\td d.lan", Section("h"));
    }

    [Fact]
    public void Empty_plan_says_so() =>
        Assert.Contains(Samples.EmptyPlan().Summary, TextRenderer.Render(Samples.EmptyPlan()));
}
