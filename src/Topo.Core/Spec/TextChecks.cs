using System.Text;

namespace Topo.Core.Spec;

/// <summary>
/// The bytes of a topology file must be UTF-8 text before YAML sees them. A lossy decode would turn
/// a stray byte into U+FFFD and let it reach a name or a file; a NUL or an escape sequence in the
/// text would reach error messages and terminals. Each check reports the first offence only, at its
/// line and column: a binary file has millions, and one says what is wrong.
/// </summary>
internal static class TextChecks
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes strict UTF-8; on an invalid sequence, reports where it starts and returns null.</summary>
    public static string? DecodeUtf8(ReadOnlySpan<byte> bytes, DiagnosticBag bag)
    {
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var at = e.Index >= 0 && e.Index <= bytes.Length ? e.Index : FirstInvalid(bytes);
            var (line, column) = Position(bytes[..at]);
            var shown = e.BytesUnknown is { Length: > 0 } unknown ? string.Join(' ', unknown.Select(b => $"0x{b:X2}")) : "?";
            bag.Error(new SourceSpan(bag.File, line, column),
                $"the file is not UTF-8 text: invalid byte sequence {shown} at byte {at}{BinaryHint(bytes)}");
            return null;
        }
    }

    /// <summary>
    /// Reports the first character YAML forbids in a stream (YAML 1.2 §5.1: C0 controls but tab, LF
    /// and CR; DEL; C1 controls but NEL; U+FFFE/U+FFFF; unpaired surrogates). True when one was found.
    /// Such characters may still be written as escapes inside double quotes; names then refuse them.
    /// </summary>
    public static bool ReportForbiddenCharacters(string text, DiagnosticBag bag)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                lineStart = i + 1;
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (!Forbidden(c)) continue;
            var what = char.IsSurrogate(c) ? $"an unpaired surrogate U+{(int)c:X4}" : $"control character U+{(int)c:X4}";
            bag.Error(new SourceSpan(bag.File, line, i - lineStart + 1),
                $"the file is not YAML text: {what} (write it as an escape inside double quotes if it is meant){(c == '\0' ? "; is this a binary file?" : "")}");
            return true;
        }
        return false;
    }

    private static bool Forbidden(char c) =>
        (c < ' ' && c is not ('\t' or '\n' or '\r'))
        || c == '\u007F'
        || (c is >= '\u0080' and <= '\u009F' && c != '\u0085')
        || c is '\uFFFE' or '\uFFFF'
        || char.IsSurrogate(c);

    private static (int Line, int Column) Position(ReadOnlySpan<byte> before)
    {
        var line = 1 + before.Count((byte)'\n');
        var lastNewline = before.LastIndexOf((byte)'\n');
        var lineBytes = before[(lastNewline + 1)..];
        // Columns count characters: every byte that does not continue a UTF-8 sequence starts one.
        var column = 1;
        foreach (var b in lineBytes) if ((b & 0xC0) != 0x80) column++;
        return (line, column);
    }

    private static int FirstInvalid(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            try { Strict.GetCharCount(bytes[..(i + 1)]); }
            catch (DecoderFallbackException) { return i; }
        }
        return 0;
    }

    private static string BinaryHint(ReadOnlySpan<byte> bytes) =>
        bytes[..Math.Min(bytes.Length, 8192)].IndexOf((byte)0) >= 0 ? "; is this a binary file?" : "";
}
