using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Infrastructure;

/// <summary>One app over one temp data root for a whole test class.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    internal DashboardApp App { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        App = new DashboardApp(_folder.Path);
        _ = App.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        _folder.Dispose();
    }
}
