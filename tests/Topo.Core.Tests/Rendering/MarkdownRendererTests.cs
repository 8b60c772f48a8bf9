using System.Collections.Immutable;
using Topo.Core.Model;
using Topo.Core.Planning;
using Topo.Core.Rendering;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Rendering;

public sealed class MarkdownRendererTests
{
    [Theory]
    [MemberData(nameof(TextRendererTests.Plans), MemberType = typeof(TextRendererTests))]
    public void Markdown_matches_the_golden_file(string name) =>
        Golden.Verify($"rendering/{name}.md", MarkdownRenderer.Render(TextRendererTests.Sample(name)));

    [Fact]
    public void Rendering_is_deterministic() =>
        Assert.Equal(MarkdownRenderer.Render(Samples.ChangePlan()), MarkdownRenderer.Render(Samples.ChangePlan()));

    [Fact]
    public void Has_summary_tables_and_the_full_plan_as_a_diff()
    {
        var md = MarkdownRenderer.Render(Samples.ChangePlan());

        Assert.Contains("**Plan:** `+` 1 to add, `~` 1 to change, `-` 4 to destroy (`-/+` 1 replaced)", md);
        Assert.Contains("#### network frontend\n\n| | Resource | Change | Why |\n", md);
        Assert.Contains("| `~` | link `br-1a2b3c4d5e6f` (bridge) | mtu: `1500` → `9000` | network frontend asks for mtu 9000 |", md);
        Assert.Contains("<details><summary>Full plan</summary>\n\n```diff\n", md);
        Assert.Contains("\n!       mtu: 1500 → 9000\n", md);
        Assert.Contains("\n-   link veth9a8b7c6 (veth)\n", md);
        Assert.Contains("\n-/+ link metrics/eth1 (macvlan)\n", md);
        Assert.DoesNotContain('\u001b', md);
    }

    [Fact]
    public void A_files_change_is_counted_in_its_cell_and_shown_line_by_line_in_the_full_plan()
    {
        var md = MarkdownRenderer.Render(Samples.FilesPlan());

        Assert.Contains("| `~` | file `wordpress/hosts` | content: 1 line removed, 1 added | differs on the host: content |", md);
        Assert.Contains("\n-           172.18.0.4\tcache cache.frontend\n+           172.18.0.3\tdb db.frontend\n", md);
        // Files follow from the topology: rewriting them changes no element of the diagram.
        Assert.DoesNotContain("changed\n", md[md.IndexOf("```mermaid", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void Diagram_marks_added_changed_and_removed_elements()
    {
        var md = MarkdownRenderer.Render(Samples.ChangePlan());

        Assert.Contains("```mermaid\nflowchart LR\n", md);
        Assert.Contains("  classDef added ", md);
        Assert.Contains("  classDef changed ", md);
        Assert.Contains("  classDef removed ", md);
        Assert.Contains("  class net_frontend changed\n", md);
        Assert.Contains("  class net_legacy,ctr_cache removed\n", md);
        Assert.Contains("  ctr_cache -.-|\"eth0\"| net_frontend\n", md);
        Assert.Contains("  ctr_wordpress ---|\"eth0 172.18.0.2/16\"| net_frontend\n", md);
        Assert.Contains("  ctr_metrics ---|\"eth1 192.168.10.20/24\"| net_lan\n", md);
    }

    [Fact]
    public void Diagram_of_a_new_topology_is_all_added()
    {
        var md = MarkdownRenderer.Render(Samples.CreatePlan());

        Assert.Contains("  class net_frontend,ctr_db,ctr_wordpress added\n", md);
        Assert.Contains("  linkStyle 0,1 stroke:", md);
        Assert.DoesNotContain("class ctr_db,ctr_wordpress changed", md);
    }

    [Fact]
    public void Names_become_valid_mermaid_ids_and_quoted_labels()
    {
        var ns = new NamespaceState("web-1.x_y") { Owner = new Label("p", LabelRole.Container, "web-1.x_y") };
        var plan = new Plan("p", [new PlanAction(1, ActionKind.Create, null, ns, [], "a \"quoted\" <reason> | with pipes", [], [])], HostState.From([ns]));

        var md = MarkdownRenderer.Render(plan);

        Assert.Contains("  ctr_web_002D_1_002E_x_005F_y[\"container web-1.x_y\"]\n", md);
        Assert.Contains("a \"quoted\" &lt;reason&gt; \\| with pipes", md);
    }

    [Fact]
    public void A_plan_longer_than_the_limit_leaves_out_the_full_plan_first_then_the_diagram_then_table_rows()
    {
        var plan = Samples.CreatePlan();
        var whole = MarkdownRenderer.Render(plan, limit: 0);
        Assert.Equal(whole, MarkdownRenderer.Render(plan)); // a small plan fits GitHub's limit whole
        var tablesEnd = whole.IndexOf("<details>", StringComparison.Ordinal);
        var details = whole[tablesEnd..whole.IndexOf("#### Topology", StringComparison.Ordinal)];
        var diagram = whole[(tablesEnd + details.Length)..];

        // One character short: the full plan goes, tables and diagram stay.
        var md = MarkdownRenderer.Render(plan, whole.Length - 1);
        Assert.True(md.Length <= whole.Length - 1);
        Assert.Equal(whole[..tablesEnd] + diagram, md[..(tablesEnd + diagram.Length)]);
        Assert.EndsWith("> **Not shown:** the full plan. This comment would be longer than " +
                        $"{(whole.Length - 1).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} characters; `topo plan` shows the whole plan, and `--format json` gives it to tools.\n", md);

        // Without room for the diagram either: every table row still.
        md = MarkdownRenderer.Render(plan, tablesEnd + 450);
        Assert.StartsWith(whole[..tablesEnd], md);
        Assert.Contains("**Not shown:** the full plan and the topology diagram.", md);
        Assert.DoesNotContain("```", md);
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(1_500)]
    [InlineData(2_000)]
    public void Rows_that_do_not_fit_are_counted_and_every_row_shown_is_whole(int limit)
    {
        var big = BigPlan();
        var md = MarkdownRenderer.Render(big, limit);

        Assert.True(md.Length <= limit, $"{md.Length} > {limit}");
        var rows = md.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.EndsWith(" |", r));
        Assert.Contains($"**Not shown:** the full plan, the topology diagram and the rows of {big.Actions.Length - rows.Count} of the {big.Actions.Length} actions.", md);
        Assert.StartsWith("### topo plan for `shop`\n\n**Plan:** `+` 60 to add", md);
    }

    [Fact]
    public void A_limit_too_small_for_the_summary_and_the_note_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MarkdownRenderer.Render(Samples.CreatePlan(), 999));
        Assert.Throws<ArgumentOutOfRangeException>(() => MarkdownRenderer.Render(Samples.CreatePlan(), -1));
    }

    /// <summary>Sixty new namespaces: far more rows than 2,000 characters hold.</summary>
    private static Plan BigPlan()
    {
        var namespaces = Enumerable.Range(1, 60).Select(i => new NamespaceState($"c{i}") { Owner = new Label("shop", LabelRole.Container, $"c{i}") }).ToList();
        var actions = namespaces.Select((ns, i) => new PlanAction(i + 1, ActionKind.Create, null, ns, [], $"container 'c{i + 1}' gets its own network namespace", [], [])).ToImmutableArray();
        return new Plan("shop", actions, HostState.From(namespaces));
    }

    [Fact]
    public void Empty_plan_still_draws_the_topology()
    {
        var md = MarkdownRenderer.Render(Samples.EmptyPlan());

        Assert.Contains("**No changes. The host matches the topology.**", md);
        Assert.DoesNotContain("```diff", md);
        Assert.Contains("ctr_db ---|\"eth0 172.18.0.3/16\"| net_frontend", md);
        Assert.DoesNotContain("  class ", md);
    }
}
