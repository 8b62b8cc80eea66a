using System.Net;

namespace ActiveIT.Grains.Storage;

/// <summary>One silo's place in its cluster: cluster id and the loopback-or-given address and ports it listens on.</summary>
public sealed record SiloEndpoint(string ClusterId, int SiloPort, int GatewayPort, IPAddress? Address = null);
