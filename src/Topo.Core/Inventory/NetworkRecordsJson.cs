using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Topo.Core.Addressing;

namespace Topo.Core.Inventory;

/// <summary>
/// A project's <see cref="NetworkRecord"/>s as a file (RUN/networks/PROJECT.json):
/// <c>{"format":"topo-network-records","version":1,"project":…,"networks":[{"name":…,"created":…,"ip_range":…,"ipv6_range":…,"gateway":…,"ipv6_gateway":…,"aux_addresses":{…}}]}</c>.
/// A file that is not one (missing, damaged, another version) reads as no records: inspect then
/// leaves the fields out rather than fail.
/// </summary>
public static class NetworkRecordsJson
{
    public const string Format = "topo-network-records";
    public const int Version = 1;

    public static byte[] Write(string project, IEnumerable<NetworkRecord> records)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteNumber("version", Version);
            w.WriteString("project", project);
            w.WriteStartArray("networks");
            foreach (var r in records)
            {
                w.WriteStartObject();
                w.WriteString("name", r.Network);
                if (r.Created is { } created) w.WriteString("created", created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                if (r.IpRange is { } range) w.WriteString("ip_range", range.ToString());
                if (r.Ipv6Range is { } range6) w.WriteString("ipv6_range", range6.ToString());
                if (r.Gateway is { } gateway) w.WriteString("gateway", gateway.ToString());
                if (r.Ipv6Gateway is { } gateway6) w.WriteString("ipv6_gateway", gateway6.ToString());
                if (!r.AuxAddresses.IsEmpty)
                {
                    w.WriteStartObject("aux_addresses");
                    foreach (var (name, address) in r.AuxAddresses) w.WriteString(name, address.ToString());
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static ImmutableArray<NetworkRecord> Read(ReadOnlySpan<byte> content)
    {
        try
        {
            var reader = new Utf8JsonReader(content);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.GetProperty("format").GetString() != Format || root.GetProperty("version").GetInt32() != Version) return [];
            var records = ImmutableArray.CreateBuilder<NetworkRecord>();
            foreach (var n in root.GetProperty("networks").EnumerateArray())
            {
                var record = new NetworkRecord(n.GetProperty("name").GetString()!);
                if (n.TryGetProperty("created", out var created))
                    record = record with { Created = DateTimeOffset.Parse(created.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) };
                if (n.TryGetProperty("ip_range", out var range)) record = record with { IpRange = Ipv4Prefix.Parse(range.GetString()!) };
                if (n.TryGetProperty("ipv6_range", out var range6)) record = record with { Ipv6Range = Ipv6Prefix.Parse(range6.GetString()!) };
                if (n.TryGetProperty("gateway", out var gateway)) record = record with { Gateway = Ipv4Address.Parse(gateway.GetString()!) };
                if (n.TryGetProperty("ipv6_gateway", out var gateway6)) record = record with { Ipv6Gateway = Ipv6Address.Parse(gateway6.GetString()!) };
                if (n.TryGetProperty("aux_addresses", out var aux))
                {
                    record = record with
                    {
                        AuxAddresses = aux.EnumerateObject().ToImmutableSortedDictionary(p => p.Name, p => IpAddress.Parse(p.Value.GetString()!), StringComparer.Ordinal),
                    };
                }
                records.Add(record);
            }
            return records.ToImmutable();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            return [];
        }
    }

    /// <summary>
    /// Docker's <c>Created</c>: Go's RFC 3339 with nanoseconds, trailing zeros dropped. topo keeps
    /// UTC ("Z"); Docker writes the daemon's own zone, which is UTC on most servers.
    /// </summary>
    public static string DockerTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
