using Topo.Core.Model;
using Topo.Core.Snapshot;
using Topo.Core.Tests.Support;

namespace Topo.Core.Tests.Snapshot;

public sealed class StateJsonDocumentationTests
{
    [Fact]
    public void Example_in_the_documentation_is_a_valid_snapshot()
    {
        var doc = File.ReadAllText(Path.Combine(Golden.Directory, "..", "..", "..", "docs", "state-json.md"));
        var start = doc.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        var json = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];

        var state = StateJson.Read(json);

        Assert.Single(state.Namespaces);
        Assert.Equal(4, state.Links.Length);
        Assert.Equal(new LinkRef(HostState.Host, "veth1a2b3c4"), state.FindLink(new LinkRef("wordpress", "eth0"))!.Peer);
        Assert.Null(state.FindLink(new LinkRef(HostState.Host, "enp1s0"))!.Owner);
    }
}
