using System.Collections.Immutable;
using System.Globalization;

namespace Topo.Core.Model;

/// <summary>
/// What a link of one kind carries beyond the common link fields (a VXLAN link's VNI and port),
/// as one typed record per kind (<c>LinkKind.cs</c>). The planner, the renderers and the snapshot
/// see it only through <see cref="Values"/>, so a new kind's fields need no code outside its record
/// and its driver. Null fields are "no opinion" (desired) or "not reported" (observed).
/// </summary>
public abstract record LinkKindDetails
{
    /// <summary>The fields that are set, in display order.</summary>
    public abstract IEnumerable<DetailValue> Values();

    /// <summary>True when <paramref name="have"/> has every value this (desired) record has an opinion on.</summary>
    public bool IsSatisfiedBy(LinkKindDetails? have)
    {
        foreach (var wanted in Values())
        {
            if (have is null || !have.Has(wanted)) return false;
        }
        return true;
    }

    private bool Has(DetailValue value)
    {
        foreach (var v in Values())
        {
            if (v == value) return true;
        }
        return false;
    }
}

/// <summary>
/// One field of a kind's details: the name plans print and snapshots key it by, whether the kernel
/// refuses to change it in place, and the values it takes (a number in a range, or an enumeration's
/// members by their printed names). Its identity is the instance its kind declares, never its name,
/// so two kinds may each have a <c>mode</c>.
/// </summary>
public sealed class DetailField
{
    private DetailField(string name, bool forcesReplace, int min, int max, ImmutableArray<string> choices)
    {
        Name = name;
        ForcesReplace = forcesReplace;
        Min = min;
        Max = max;
        Choices = choices;
    }

    public string Name { get; }

    /// <summary>The kernel cannot change it on an existing link: a change deletes and re-creates the link.</summary>
    public bool ForcesReplace { get; }

    public int Min { get; }
    public int Max { get; }

    /// <summary>An enumeration's printed names, indexed by member value; empty for a number.</summary>
    public ImmutableArray<string> Choices { get; }

    public bool IsChoice => !Choices.IsEmpty;

    public static DetailField Number(string name, int min, int max, bool forcesReplace) =>
        new(name, forcesReplace, min, max, []);

    /// <summary>A field holding a member of <typeparamref name="T"/>, whose members must be numbered 0, 1, 2, ...</summary>
    public static DetailField Choice<T>(string name, Func<T, string> nameOf, bool forcesReplace) where T : struct, Enum
    {
        var members = Enum.GetValues<T>();
        for (var i = 0; i < members.Length; i++)
        {
            if (Convert.ToInt32(members[i], CultureInfo.InvariantCulture) != i)
                throw new InvalidOperationException($"{typeof(T).Name} members must be numbered 0, 1, 2, ... to be a detail field");
        }
        return new(name, forcesReplace, 0, members.Length - 1, [.. members.Select(nameOf)]);
    }

    public bool Accepts(int value) => value >= Min && value <= Max;

    /// <summary>The value as plans print it: the number, or the member's name.</summary>
    public string Text(int value) =>
        !Accepts(value) ? throw new ArgumentOutOfRangeException(nameof(value), value, $"{Name} is {Min}..{Max}")
        : IsChoice ? Choices[value] : value.ToString(CultureInfo.InvariantCulture);

    public override string ToString() => Name;
}

/// <summary>A field of a kind's details and its value (an enumeration's member as its number).</summary>
public readonly record struct DetailValue(DetailField Field, int Value)
{
    public string Text => Field.Text(Value);
}

/// <summary>
/// A kind's details as data: its kind, its fields in display order, and how to build its record
/// from values. What the snapshot reader and the property tests need to handle every kind alike.
/// </summary>
public sealed class DetailsShape(LinkKind kind, ImmutableArray<DetailField> fields, Func<Func<DetailField, int?>, LinkKindDetails> create)
{
    public LinkKind Kind { get; } = kind;

    public ImmutableArray<DetailField> Fields { get; } = fields;

    /// <summary>The record with <paramref name="values"/> set (others null); every field must be this kind's and in range.</summary>
    public LinkKindDetails Create(IEnumerable<DetailValue> values)
    {
        var set = new Dictionary<DetailField, int>();
        foreach (var (field, value) in values)
        {
            if (!Fields.Contains(field)) throw new ArgumentException($"{field.Name} is not a field of a {Kind.Name()} link", nameof(values));
            if (!field.Accepts(value)) throw new ArgumentOutOfRangeException(nameof(values), value, $"{field.Name} is {field.Min}..{field.Max}");
            if (!set.TryAdd(field, value)) throw new ArgumentException($"{field.Name} is given twice", nameof(values));
        }
        return create(f => set.TryGetValue(f, out var v) ? v : null);
    }
}
