using System.Text;
using Topo.Linux.Namespaces;

namespace Topo.Linux.Tests.Namespaces;

/// <summary>The files one apply replaces keep their shared bodies once: 400 hosts files of one network are one array, not 400.</summary>
public sealed class SharedBodiesTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Files_differing_only_in_their_first_line_share_one_body_and_keep_their_own_head()
    {
        var bodies = new SharedBodies();
        var a = bodies.Split(B("# label a\n127.0.0.1\tlocalhost\n10.0.0.2\ta\n"));
        var b = bodies.Split(B("# label b\n127.0.0.1\tlocalhost\n10.0.0.2\ta\n"));
        var c = bodies.Split(B("# label c\n127.0.0.1\tlocalhost\n10.0.0.3\tc\n"));

        Assert.Same(a.Body, b.Body);
        Assert.NotSame(a.Body, c.Body);
        Assert.Equal("# label a\n", Encoding.UTF8.GetString(a.Head));
        Assert.Equal("# label b\n127.0.0.1\tlocalhost\n10.0.0.2\ta\n", Encoding.UTF8.GetString(b.Joined()));
        Assert.Equal("# label c\n127.0.0.1\tlocalhost\n10.0.0.3\tc\n", Encoding.UTF8.GetString(c.Joined()));
    }

    [Fact]
    public void A_file_without_a_newline_is_all_head_and_an_empty_one_is_nothing()
    {
        var bodies = new SharedBodies();
        Assert.Equal("no newline", Encoding.UTF8.GetString(bodies.Split(B("no newline")).Joined()));
        Assert.Empty(bodies.Split(B("no newline")).Body);
        Assert.Empty(bodies.Split([]).Joined());
    }
}
