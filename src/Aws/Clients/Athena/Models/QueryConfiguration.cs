// How a query runs, as StartQueryExecution sends it and GetQueryExecution reads it back.
// Members are named and ordered as the Athena service model (API 2017-05-18) has them: required first, then model order.
namespace OneOff.Aws.Clients.Athena.Models;

/// <summary>Database and catalog a query runs in.</summary>
internal sealed record QueryExecutionContext
{
    /// <summary>The database.</summary>
    public string? Database { get; init; }

    /// <summary>The data catalog (<c>AwsDataCatalog</c>).</summary>
    public string? Catalog { get; init; }
}

/// <summary>Where and how query results are written.</summary>
internal sealed record ResultConfiguration
{
    /// <summary><c>s3://bucket/prefix/</c> for the result files.</summary>
    public string? OutputLocation { get; init; }

    /// <summary>Encryption of the result files.</summary>
    public EncryptionConfiguration? EncryptionConfiguration { get; init; }

    /// <summary>The account expected to own the output bucket.</summary>
    public string? ExpectedBucketOwner { get; init; }

    /// <summary>The ACL the result files get.</summary>
    public AclConfiguration? AclConfiguration { get; init; }
}

/// <summary>Encryption of results.</summary>
internal sealed record EncryptionConfiguration
{
    /// <summary><c>SSE_S3</c>, <c>SSE_KMS</c> or <c>CSE_KMS</c>.</summary>
    public required string EncryptionOption { get; init; }

    /// <summary>The KMS key for the KMS options.</summary>
    public string? KmsKey { get; init; }
}

/// <summary>S3 ACL of result files.</summary>
internal sealed record AclConfiguration
{
    /// <summary><c>BUCKET_OWNER_FULL_CONTROL</c>.</summary>
    public required string S3AclOption { get; init; }
}

/// <summary>Result reuse settings.</summary>
internal sealed record ResultReuseConfiguration
{
    /// <summary>Reuse by the age of the earlier result.</summary>
    public ResultReuseByAgeConfiguration? ResultReuseByAgeConfiguration { get; init; }
}

/// <summary>Reuse a result no older than <see cref="MaxAgeInMinutes"/>.</summary>
internal sealed record ResultReuseByAgeConfiguration
{
    /// <summary>Whether reuse is on.</summary>
    public required bool Enabled { get; init; }

    /// <summary>0–10080 minutes (service default 60).</summary>
    public int? MaxAgeInMinutes { get; init; }
}
