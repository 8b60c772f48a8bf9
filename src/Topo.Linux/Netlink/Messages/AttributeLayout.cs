namespace Topo.Linux.Netlink.Messages;

/// <summary>
/// Where each attribute of a decoded message stood and how it was spelled (type with flag bits,
/// string with or without its NUL), so that re-encoding a decoded message gives back the same
/// bytes. Freshly built messages have no layout and encode in canonical order.
/// </summary>
internal sealed class AttributeLayout
{
    /// <summary>Marks the slot of the next attribute of the unknown list.</summary>
    public const ushort UnknownSlot = 0xFFFF;

    private readonly List<Slot> _slots = [];

    public IReadOnlyList<Slot> Slots => _slots;

    public void AddKnown(ushort rawType, bool stringNul = true) => _slots.Add(new Slot(rawType, stringNul, Known: true));

    public void AddUnknown() => _slots.Add(new Slot(UnknownSlot, true, Known: false));

    internal readonly record struct Slot(ushort RawType, bool StringNul, bool Known);
}
