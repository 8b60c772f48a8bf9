namespace Topo.Core.Rendering;

/// <summary>Pairs of strings told apart by reference: one text shared by many files is one key, found without hashing its characters.</summary>
internal sealed class SameStrings : IEqualityComparer<(string?, string?)>
{
    public static readonly SameStrings Instance = new();

    public bool Equals((string?, string?) x, (string?, string?) y) => ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

    public int GetHashCode((string?, string?) pair) =>
        HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pair.Item1), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pair.Item2));
}
