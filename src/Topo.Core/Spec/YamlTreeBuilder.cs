using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Topo.Core.Spec;

/// <summary>
/// Turns YAML text into a <see cref="YNode"/> tree from YamlDotNet's parser events. Never throws:
/// syntax errors, tabs, duplicate keys, several documents, runaway nesting or alias expansion
/// become diagnostics. Returns null when there is no usable tree.
/// </summary>
internal static class YamlTreeBuilder
{
    public const int MaxDepth = 64;
    public const long MaxExpandedNodes = 2_000_000;

    public static YNode? Build(string text, DiagnosticBag bag)
    {
        if (ReportTabIndentation(text, bag)) return null;
        var last = new Position(1, 1);
        try
        {
            return BuildTree(text, bag, last);
        }
        catch (YamlException e)
        {
            // YamlDotNet's own marks are 1-based already.
            bag.Error(new SourceSpan(bag.File, (int)Math.Max(1, e.Start.Line), (int)Math.Max(1, e.Start.Column)),
                $"YAML syntax error: {Clean(e.Message)}");
            return null;
        }
        catch (ArgumentException e)
        {
            // YamlDotNet validates some tokens (a %TAG directive's URI) by throwing ArgumentException.
            bag.Error(new SourceSpan(bag.File, last.Line, last.Column),
                $"YAML syntax error after this point: {Clean(e.Message.Split(" (Parameter")[0])}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner can trip over itself on some broken input (seen with an unclosed
            // flow list); all we know is that it got no further than the last event it gave us.
            bag.Error(new SourceSpan(bag.File, last.Line, last.Column),
                "YAML syntax error after this point: the parser could not go on (an unclosed [, { or quote?)");
            return null;
        }
    }

    private sealed class Position(int line, int column)
    {
        public int Line { get; set; } = line;
        public int Column { get; set; } = column;
    }

    /// <summary>
    /// YAML forbids tabs in indentation; say so plainly instead of the scanner's riddle. Lines that
    /// hold only whitespace or a comment are left alone (YAML allows tabs there).
    /// </summary>
    private static bool ReportTabIndentation(string text, DiagnosticBag bag)
    {
        var found = false;
        var line = 1;
        for (var start = 0; start < text.Length;)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            var i = start;
            var tabAt = -1;
            while (i < end && text[i] is ' ' or '\t')
            {
                if (text[i] == '\t' && tabAt < 0) tabAt = i;
                i++;
            }
            var blank = i == end || text[i] is '#' or '\r';
            if (tabAt >= 0 && !blank)
            {
                bag.Error(new SourceSpan(bag.File, line, tabAt - start + 1), "tab used for indentation; YAML allows only spaces there");
                found = true;
            }
            start = end + 1;
            line++;
        }
        return found;
    }

    private static YNode? BuildTree(string text, DiagnosticBag bag, Position last)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
        var stack = new Stack<Frame>();
        YNode? root = null;
        var documents = 0;
        long total = 0;

        while (parser.MoveNext())
        {
            var ev = parser.Current!;
            last.Line = Line(ev.End);
            last.Column = Col(ev.End);
            YNode? complete = null;
            switch (ev)
            {
                case DocumentStart ds:
                    documents++;
                    if (documents == 2)
                    {
                        bag.Error(Span(bag, ds.Start), "a topology file holds one YAML document; remove the second '---' and what follows");
                        return root;
                    }
                    continue;
                case Scalar s:
                    complete = new YScalar(Line(s.Start), Col(s.Start), s.Value, KindOf(s));
                    Remember(anchors, s.Anchor, complete);
                    break;
                case AnchorAlias a:
                    if (!anchors.TryGetValue(a.Value.Value, out complete))
                    {
                        bag.Error(Span(bag, a.Start), $"alias *{a.Value.Value} refers to no anchor defined before it");
                        complete = new YScalar(Line(a.Start), Col(a.Start), "", ScalarKind.Null);
                    }
                    else if (IsOpen(stack, complete))
                    {
                        // A collection containing itself would make every later walk endless.
                        bag.Error(Span(bag, a.Start), $"alias *{a.Value.Value} refers to the collection it is inside");
                        return null;
                    }
                    break;
                case SequenceStart ss:
                    total++;
                    if (!Push(stack, new YSequence(Line(ss.Start), Col(ss.Start)), ss.Anchor, anchors, bag)) return null;
                    continue;
                case MappingStart ms:
                    total++;
                    if (!Push(stack, new YMapping(Line(ms.Start), Col(ms.Start)), ms.Anchor, anchors, bag)) return null;
                    continue;
                case SequenceEnd or MappingEnd:
                    // Already attached when it started; only its size is news to the parent.
                    var done = stack.Pop().Node;
                    if (stack.Count == 0) root = done;
                    else stack.Peek().Node.ExpandedSize += done.ExpandedSize;
                    continue;
                default:
                    continue;
            }

            if (!Count(ref total, complete.ExpandedSize, complete, bag)) return null;
            if (stack.Count == 0) { root = complete; continue; }
            Attach(stack.Peek(), complete, bag);
            stack.Peek().Node.ExpandedSize += complete.ExpandedSize;
        }
        return root;
    }

    private static bool IsOpen(Stack<Frame> stack, YNode node)
    {
        foreach (var frame in stack) if (ReferenceEquals(frame.Node, node)) return true;
        return false;
    }

    private static bool Count(ref long total, long size, YNode node, DiagnosticBag bag)
    {
        total += size;
        if (total <= MaxExpandedNodes) return true;
        bag.Error(bag.At(node), $"the file expands to more than {MaxExpandedNodes} YAML nodes (aliases included); topo refuses it");
        return false;
    }

    private static bool Push(Stack<Frame> stack, YNode node, AnchorName anchor, Dictionary<string, YNode> anchors, DiagnosticBag bag)
    {
        if (stack.Count >= MaxDepth)
        {
            bag.Error(bag.At(node), $"YAML nested deeper than {MaxDepth} levels; a topology file never needs that");
            return false;
        }
        Remember(anchors, anchor, node);
        if (stack.Count > 0) Attach(stack.Peek(), node, bag);
        stack.Push(new Frame(node));
        return true;
    }

    // A collection is attached when it starts (so order is kept); its size is added when it ends.
    private static void Attach(Frame parent, YNode child, DiagnosticBag bag)
    {
        switch (parent.Node)
        {
            case YSequence seq:
                seq.Items.Add(child);
                break;
            case YMapping map:
                if (parent.PendingKey is null)
                {
                    if (child is YScalar key) parent.PendingKey = key;
                    else
                    {
                        bag.Error(bag.At(child), "a key must be a plain name, not a list or mapping");
                        parent.PendingKey = new YScalar(child.Line, child.Column, "", ScalarKind.Null);
                        parent.SkipEntry = true;
                    }
                    break;
                }
                var k = parent.PendingKey;
                parent.PendingKey = null;
                if (parent.SkipEntry) { parent.SkipEntry = false; break; }
                if (parent.Find(map, k.Value) is { } first)
                {
                    bag.Error(bag.At(k), $"duplicate key '{k.Value}'; it is already given at line {first.Line}; keep one");
                    break;
                }
                parent.Remember(map, k);
                map.Entries.Add(new YEntry(k, child));
                break;
        }
    }

    private sealed class Frame(YNode node)
    {
        public YNode Node { get; } = node;
        public YScalar? PendingKey { get; set; }
        public bool SkipEntry { get; set; }
        // Most mappings have a handful of keys: scan them; index only the big ones (containers:).
        private const int IndexFrom = 16;
        private Dictionary<string, YScalar>? _index;

        public YScalar? Find(YMapping map, string key)
        {
            if (_index is not null) return _index.GetValueOrDefault(key);
            foreach (var e in map.Entries) if (e.Key.Value == key) return e.Key;
            return null;
        }

        public void Remember(YMapping map, YScalar key)
        {
            if (_index is not null) { _index.Add(key.Value, key); return; }
            if (map.Entries.Count + 1 < IndexFrom) return;
            _index = new Dictionary<string, YScalar>(StringComparer.Ordinal) { [key.Value] = key };
            foreach (var e in map.Entries) _index[e.Key.Value] = e.Key;
        }
    }

    private static void Remember(Dictionary<string, YNode> anchors, AnchorName anchor, YNode node)
    {
        if (!anchor.IsEmpty) anchors[anchor.Value] = node;
    }

    private static ScalarKind KindOf(Scalar s)
    {
        if (s.Style != ScalarStyle.Plain) return ScalarKind.String;
        if (!s.Tag.IsEmpty && !s.Tag.IsNonSpecific)
        {
            // An explicit !!str keeps the text a string; other tags are checked like plain text.
            if (s.Tag.Value == "tag:yaml.org,2002:str") return ScalarKind.String;
        }
        else if (!s.Tag.IsEmpty) return ScalarKind.String;
        return ScalarKinds.OfPlain(s.Value);
    }

    private static int Line(Mark m) => (int)Math.Max(1, m.Line);

    private static int Col(Mark m) => (int)Math.Max(1, m.Column);

    private static SourceSpan Span(DiagnosticBag bag, Mark m) => new(bag.File, Line(m), Col(m));

    // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: ..) - (...): "; our span says that already.
    private static string Clean(string message)
    {
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        var text = i >= 0 && message.StartsWith('(') ? message[(i + 3)..] : message;
        return text.TrimEnd('.');
    }
}
