using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Topo.Core.Resolution;

/// <summary>The iproute2/Docker convention for 802.1Q sub-interfaces: <c>lower.vid</c>, vid 1–4094.</summary>
public static class VlanName
{
    public static bool TryParse(string name, [NotNullWhen(true)] out string? lower, out int vlanId)
    {
        lower = null;
        vlanId = 0;
        var dot = name.LastIndexOf('.');
        if (dot <= 0 || dot == name.Length - 1) return false;
        var digits = name[(dot + 1)..];
        if (!digits.All(char.IsAsciiDigit) || digits.Length > 4) return false;
        vlanId = int.Parse(digits, CultureInfo.InvariantCulture);
        if (vlanId is < 1 or > 4094) return false;
        lower = name[..dot];
        return true;
    }
}
