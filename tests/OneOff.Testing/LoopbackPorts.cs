using System.Net;
using System.Net.Sockets;

namespace OneOff.Testing;

/// <summary>Ports for servers the tests start on 127.0.0.1.</summary>
public static class LoopbackPorts
{
    /// <summary>A port that was free a moment ago (the OS picked it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
