namespace OneOff.Dashboard.Tests.Infrastructure;

/// <summary>Raw form values for runs of known length.</summary>
internal static class RunForms
{
    /// <summary>Well under a second of work.</summary>
    public static Dictionary<string, string?> Small() => new()
    {
        ["train_size"] = "300",
        ["test_size"] = "100",
        ["hidden_sizes"] = "3,5",
        ["max_iter"] = "20",
    };

    /// <summary>About ten seconds of work on this machine: long enough to cancel or restart in the middle.</summary>
    public static Dictionary<string, string?> Long() => new()
    {
        ["train_size"] = "4000",
        ["test_size"] = "500",
        ["hidden_sizes"] = "10,20",
        ["max_iter"] = "1000",
        ["tol"] = "1e-12",
    };

    public static string Key() => Guid.NewGuid().ToString("N");
}
