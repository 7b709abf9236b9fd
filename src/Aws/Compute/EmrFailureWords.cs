using System.Globalization;
using OneOff.Aws.Clients.Emr.Models;

namespace OneOff.Aws.Compute;

/// <summary>
/// Why a cluster failed, in words a user understands, with EMR's raw code beside them (ARCHITECTURE.md, "The EMR
/// path" item 4). The words come from the codes only: AWS recommends against parsing <c>ErrorMessage</c>, whose
/// text may change (EMR Management Guide, "Error codes with ErrorDetail information").
/// </summary>
internal static class EmrFailureWords
{
    /// <summary>
    /// One line: the plain words, then the raw code (and EMR's own message for the cluster's state change), e.g.
    /// <c>no EC2 capacity for m7g.xlarge in us-east-1a (EMR INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ)</c>. An
    /// <c>ErrorDetails</c> code, when there is one, says more than the state change reason and is used first.
    /// </summary>
    /// <param name="reason">The cluster's <c>Status.StateChangeReason</c>.</param>
    /// <param name="errors">The cluster's <c>Status.ErrorDetails</c>.</param>
    /// <param name="instanceType">The instance type to name when the error data does not (e.g. the primary node's).</param>
    /// <param name="availabilityZone">The zone to name when the error data does not (<c>Ec2InstanceAttributes.Ec2AvailabilityZone</c>).</param>
    /// <param name="failedStep">The OneOff step that failed (from <c>ListSteps</c>), when one did.</param>
    public static string Describe(
        ClusterStateChangeReason? reason, IReadOnlyList<ErrorDetail>? errors, string? instanceType = null, string? availabilityZone = null, string? failedStep = null)
    {
        var detail = errors?.FirstOrDefault(e => !string.IsNullOrWhiteSpace(e.ErrorCode));
        var code = reason?.Code;
        var message = string.IsNullOrWhiteSpace(reason?.Message) ? null : reason.Message.Trim();
        if (detail is { ErrorCode: { } errorCode })
        {
            var data = Data(detail);
            var words = ForErrorDetail(errorCode.Trim(), data, Value(data, "instance-type") ?? instanceType, Value(data, "availability-zone") ?? availabilityZone);
            return $"{words} (EMR {errorCode.Trim()}{(code is null ? "" : $", {code}")})";
        }

        var plain = ForReason(code, failedStep);
        var raw = code ?? "no reason code";
        return message is null ? $"{plain} (EMR {raw})" : $"{plain} (EMR {raw}: {message})";
    }

    /// <summary>Why a run failed when its cluster was not RUNNING after <see cref="EmrOptions.StartTimeoutMinutes"/> and was terminated.</summary>
    /// <param name="startTimeoutMinutes">The configured limit.</param>
    /// <param name="phase">What the cluster was still doing ("provisioning", "installing the job").</param>
    /// <param name="instanceType">The primary node's type.</param>
    public static string StartTimedOut(int startTimeoutMinutes, string phase, string instanceType) =>
        string.Create(CultureInfo.InvariantCulture,
            $"the cluster was not running after {startTimeoutMinutes} minutes (still {phase}; EC2 may have no capacity for {instanceType}), so it was terminated; try again later, or raise OneOff:Aws:Emr:StartTimeoutMinutes or pick another instance type");

    private static string ForErrorDetail(string code, IReadOnlyDictionary<string, string> data, string? instanceType, string? zone)
    {
        var type = instanceType ?? "the instance type";
        var where = zone is null ? "" : $" in {zone}";
        return code switch
        {
            // EMR MG "Bootstrap failure error codes": BOOTSTRAP_FAILURE_PRIMARY_WITH_NON_ZERO_CODE, a bootstrap action on
            // the primary node exited non-zero (ErrorData: primary-instance-id, bootstrap-action, return-code).
            "BOOTSTRAP_FAILURE_PRIMARY_WITH_NON_ZERO_CODE" => "bootstrap failed on the primary node" + (Value(data, "return-code") is { } rc ? $": the install script exited with code {rc}" : ""),
            // EMR MG "BOOTSTRAP_FAILURE_BA_DOWNLOAD_FAILED_PRIMARY": the primary node could not download the script.
            "BOOTSTRAP_FAILURE_BA_DOWNLOAD_FAILED_PRIMARY" => "bootstrap failed on the primary node: it could not download the install script from S3 (check the nodes' role can read the bucket)",
            // EMR MG "BOOTSTRAP_FAILURE_FILE_NOT_FOUND_PRIMARY": the script is not at its S3 path.
            "BOOTSTRAP_FAILURE_FILE_NOT_FOUND_PRIMARY" => "bootstrap failed on the primary node: the install script is not in S3 (the job bundle upload is missing)",
            // EMR MG "BOOTSTRAP_FAILURE_INSUFFICIENT_DISK_SPACE_PRIMARY" / "…_WORKER".
            "BOOTSTRAP_FAILURE_INSUFFICIENT_DISK_SPACE_PRIMARY" => "bootstrap failed on the primary node: it ran out of disk space",
            "BOOTSTRAP_FAILURE_INSUFFICIENT_DISK_SPACE_WORKER" => "bootstrap failed on a worker node: it ran out of disk space",
            // EMR MG "BOOTSTRAP_FAILURE_HIVE_METASTORE_CONNECTION_ERROR_PRIMARY" / "…_WORKER".
            "BOOTSTRAP_FAILURE_HIVE_METASTORE_CONNECTION_ERROR_PRIMARY" => "bootstrap failed on the primary node: it could not reach the Hive metastore",
            "BOOTSTRAP_FAILURE_HIVE_METASTORE_CONNECTION_ERROR_WORKER" => "bootstrap failed on a worker node: it could not reach the Hive metastore",
            // EMR MG "INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ": the subnet's Availability Zone has too little capacity
            // for the requested EC2 instance type (ErrorData: instance-type, availability-zone, public-doc).
            "INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ" => $"no EC2 capacity for {type}{where}; try again later or pick another instance type or subnet",
            // EMR MG "INTERNAL_ERROR_SPOT_PRICE_INCREASE_PRIMARY" / "INTERNAL_ERROR_SPOT_NO_CAPACITY_PRIMARY".
            "INTERNAL_ERROR_SPOT_PRICE_INCREASE_PRIMARY" => $"the spot price of {type}{where} rose above the bid for the primary node",
            "INTERNAL_ERROR_SPOT_NO_CAPACITY_PRIMARY" => $"no spot capacity for {type}{where} for the primary node",
            // EMR MG "Validation failure error codes".
            "VALIDATION_ERROR_SUBNET_NOT_FROM_ONE_VPC" => "EMR refused the cluster: its subnets are not all in one VPC (check OneOff:Aws:Emr:SubnetId)",
            "VALIDATION_ERROR_SECURITY_GROUP_NOT_FROM_ONE_VPC" => "EMR refused the cluster: its security groups are not all in one VPC",
            "VALIDATION_ERROR_INVALID_SSH_KEY_NAME" => "EMR refused the cluster: its EC2 key pair does not exist",
            "VALIDATION_ERROR_INSTANCE_TYPE_NOT_SUPPORTED" => $"EMR refused the cluster: {type} is not offered{where} for this release (check OneOff:Aws:Emr's instance types)",
            _ when code.StartsWith("BOOTSTRAP_FAILURE", StringComparison.Ordinal) => code.Contains("PRIMARY", StringComparison.Ordinal) ? "bootstrap failed on the primary node" : "bootstrap failed on a node",
            _ when code.StartsWith("VALIDATION_ERROR", StringComparison.Ordinal) => "EMR refused the cluster's settings",
            _ when code.Contains("CAPACITY", StringComparison.Ordinal) => $"no EC2 capacity for {type}{where}",
            _ => "EMR ended the cluster with an error",
        };
    }

    // The codes of ClusterStateChangeReason (EMR API reference, "ClusterStateChangeReason"; aws-protocols.md §3.2).
    private static string ForReason(string? code, string? failedStep) => code switch
    {
        EmrClusterReason.BootstrapFailure => "bootstrap failed: the job could not be installed on a node",
        EmrClusterReason.StepFailure => failedStep is null ? "a step failed" : $"step {failedStep} failed",
        EmrClusterReason.InstanceFailure => "an instance of the cluster failed",
        EmrClusterReason.InstanceFleetTimeout => "EMR could not provision the instances in time",
        EmrClusterReason.ValidationError => "EMR refused the cluster's settings",
        EmrClusterReason.InternalError => "EMR failed internally",
        EmrClusterReason.UserRequest => "the cluster was terminated on request",
        EmrClusterReason.AllStepsCompleted => "every step completed, but the run was not published",
        _ => "the cluster ended with an error",
    };

    private static IReadOnlyDictionary<string, string> Data(ErrorDetail detail)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var map in detail.ErrorData ?? [])
        {
            foreach (var (key, value) in map)
            {
                data.TryAdd(key, value);
            }
        }

        return data;
    }

    private static string? Value(IReadOnlyDictionary<string, string> data, string key) =>
        data.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
