using OneOff.Aws.Clients.Athena.Models;

namespace OneOff.Aws.Clients.Athena;

/// <summary>Values of <see cref="QueryExecutionStatus.State"/>.</summary>
internal static class AthenaQueryState
{
    /// <summary>Waiting to run.</summary>
    public const string Queued = "QUEUED";

    /// <summary>Running.</summary>
    public const string Running = "RUNNING";

    /// <summary>Done; results are readable.</summary>
    public const string Succeeded = "SUCCEEDED";

    /// <summary>Failed; see the status's reason and error.</summary>
    public const string Failed = "FAILED";

    /// <summary>Stopped by a user.</summary>
    public const string Cancelled = "CANCELLED";

    /// <summary>True for the three final states.</summary>
    public static bool IsFinal(string? state) => state is Succeeded or Failed or Cancelled;
}

/// <summary>Values of <see cref="QueryExecution.StatementType"/>.</summary>
internal static class AthenaStatementType
{
    /// <summary>Data definition (CREATE, DROP, …).</summary>
    public const string Ddl = "DDL";

    /// <summary>Data manipulation (SELECT, INSERT, CTAS, UNLOAD).</summary>
    public const string Dml = "DML";

    /// <summary>SHOW, DESCRIBE, EXPLAIN, ….</summary>
    public const string Utility = "UTILITY";
}
