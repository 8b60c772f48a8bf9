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
    public void Empty_plan_still_draws_the_topology()
    {
        var md = MarkdownRenderer.Render(Samples.EmptyPlan());

        Assert.Contains("**No changes. The host matches the topology.**", md);
        Assert.DoesNotContain("```diff", md);
        Assert.Contains("ctr_db ---|\"eth0 172.18.0.3/16\"| net_frontend", md);
        Assert.DoesNotContain("  class ", md);
    }
}
