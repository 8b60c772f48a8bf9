using System.Net;
using Microsoft.Extensions.Logging;

namespace Topo.Linux.Dns;

/// <summary>The resolver's log lines (source-generated: no formatting unless the level is on). Nothing per query above Debug.</summary>
internal static partial class DnsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "dns: upstream servers from {Path}: {Servers}")]
    public static partial void UpstreamsChanged(this ILogger log, string path, string servers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dns: cannot watch {Directory} for resolv.conf changes")]
    public static partial void UpstreamWatchFailed(this ILogger log, string directory, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "dns: upstream {Server}: {Reason}, trying the next")]
    public static partial void UpstreamFailed(this ILogger log, IPEndPoint server, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "dns: no upstream server configured: SERVFAIL")]
    public static partial void NoUpstream(this ILogger log);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dns: namespace {Namespace}: {Reason}")]
    public static partial void NamespaceFailed(this ILogger log, string @namespace, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "dns: {Started} started, {Changed} changed, {Unchanged} unchanged, {Rebound} rebound, {Stopped} stopped, {Failed} failed")]
    public static partial void Updated(this ILogger log, int started, int changed, int unchanged, int rebound, int stopped, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dns: a query in namespace {Namespace} failed")]
    public static partial void QueryFailed(this ILogger log, string @namespace, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "dns: serving namespace {Namespace} failed")]
    public static partial void ServeFailed(this ILogger log, string @namespace, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dns: accepting a TCP connection in namespace {Namespace} failed")]
    public static partial void AcceptFailed(this ILogger log, string @namespace, Exception error);

    [LoggerMessage(Level = LogLevel.Critical, Message = "dns: the event loop stopped; no namespace is answered")]
    public static partial void LoopFailed(this ILogger log, Exception error);
}
