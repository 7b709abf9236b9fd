namespace OneOff.Aws.Clients;

/// <summary>The protocol constants of one AWS JSON 1.1 service (from its service model).</summary>
/// <param name="Name">Short name used in messages.</param>
/// <param name="EndpointPrefix">Host prefix: <c>https://{prefix}.{region}.amazonaws.com</c>.</param>
/// <param name="SigningName">SigV4 service name in the credential scope.</param>
/// <param name="TargetPrefix">The <c>X-Amz-Target</c> prefix before <c>.{Operation}</c>.</param>
/// <param name="EnvironmentId">The suffix of its <c>AWS_ENDPOINT_URL_{ID}</c> variable.</param>
internal sealed record AwsServiceInfo(string Name, string EndpointPrefix, string SigningName, string TargetPrefix, string EnvironmentId)
{
    public static readonly AwsServiceInfo Athena = new("athena", "athena", "athena", "AmazonAthena", "ATHENA");

    public static readonly AwsServiceInfo Emr = new("emr", "elasticmapreduce", "elasticmapreduce", "ElasticMapReduce", "EMR");
}
