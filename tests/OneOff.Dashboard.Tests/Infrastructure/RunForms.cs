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

    /// <summary>
    /// About a second of work in Release (20 s in Debug): the restart tests pause it (SIGSTOP) to make the app's
    /// absence last as long as they need.
    /// </summary>
    public static Dictionary<string, string?> Medium() => new()
    {
        ["train_size"] = "8000",
        ["test_size"] = "500",
        ["hidden_sizes"] = "10,20",
        ["max_iter"] = "1000",
        ["tol"] = "1e-12",
    };

    /// <summary>A minute or more of work: only ever cancelled.</summary>
    public static Dictionary<string, string?> Huge() => new()
    {
        ["train_size"] = "50000",
        ["test_size"] = "1000",
        ["hidden_sizes"] = "50,100",
        ["max_iter"] = "3000",
        ["tol"] = "1e-12",
    };

    public static string Key() => Guid.NewGuid().ToString("N");
}
