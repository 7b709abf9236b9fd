using OneOff.Aws.Tests.Compute;
using OneOff.Aws.Tests.Infrastructure;

namespace OneOff.Aws.Tests.Clients;

/// <summary>
/// One exchange both clients make against the capture server: the same input (the JavaScript SDK's input shape;
/// OneOff's request record is read from the same JSON) and the same canned reply.
/// </summary>
/// <param name="Name">Case name (the theory's data row).</param>
/// <param name="Service"><c>athena</c> or <c>emr</c>.</param>
/// <param name="Operation">The operation.</param>
/// <param name="Input">The request as JSON.</param>
/// <param name="Reply">What the server answers.</param>
public sealed record ConformanceCase(string Name, string Service, string Operation, string Input, CannedResponse Reply)
{
    public override string ToString() => Name;
}

/// <summary>
/// The table: every Athena and EMR operation OneOff uses, with optional members present and absent, nested lists,
/// empty lists, maps, timestamps, unicode and the characters JSON encoders disagree on; AWS's documented sample
/// replies; and every error shape (<c>__type</c> with namespace and suffix, <c>code</c>, the header).
/// </summary>
public static class ConformanceCases
{
    private const string Token = "00000000-0000-0000-0000-000000000001";
    private const string Tricky = "é ü ß 中文 😀 \\\" quote \\\\ backslash \\n newline \\t tab \\u0001 ctl \\u001f <script>&amp;'+ \\u2028 \\u007f ~";

    private static CannedResponse Ok(string body = "{}") => CannedResponse.Json(body, requestId: "req-ok-1");

    public static IReadOnlyList<ConformanceCase> All { get; } =
    [
        // ---- Athena requests ----
        new("athena-start-minimal", "athena", "StartQueryExecution", $$"""{"QueryString":"SELECT 1","ClientRequestToken":"{{Token}}"}""", Ok("""{"QueryExecutionId":"q-1"}""")),
        new("athena-start-full", "athena", "StartQueryExecution", $$$"""
            {"QueryString":"SELECT * FROM grid WHERE run_id = ? AND n_hidden = ?","ClientRequestToken":"{{{Token}}}",
             "QueryExecutionContext":{"Database":"oneoff","Catalog":"AwsDataCatalog"},
             "ResultConfiguration":{"OutputLocation":"s3://bucket/athena/","EncryptionConfiguration":{"EncryptionOption":"SSE_KMS","KmsKey":"arn:aws:kms:us-east-1:123456789012:key/abc"},"ExpectedBucketOwner":"123456789012","AclConfiguration":{"S3AclOption":"BUCKET_OWNER_FULL_CONTROL"}},
             "WorkGroup":"primary","ExecutionParameters":["'20240102-030405-abcd'","30"],
             "ResultReuseConfiguration":{"ResultReuseByAgeConfiguration":{"Enabled":true,"MaxAgeInMinutes":10080} }}
            """, Ok("""{"QueryExecutionId":"q-2"}""")),
        new("athena-start-unicode", "athena", "StartQueryExecution", $$"""
            {"QueryString":"SELECT '{{Tricky}}' AS s","ClientRequestToken":"{{Token}}","WorkGroup":"wg-é","ExecutionParameters":["'{{Tricky}}'","'日本'"]}
            """, Ok("""{"QueryExecutionId":"q-3"}""")),
        new("athena-start-empty-context", "athena", "StartQueryExecution", $$"""
            {"QueryString":"SHOW TABLES","ClientRequestToken":"{{Token}}","QueryExecutionContext":{},"ResultConfiguration":{} }
            """, Ok("""{"QueryExecutionId":"q-4"}""")),
        new("athena-start-reuse-off", "athena", "StartQueryExecution", $$$"""
            {"QueryString":"SELECT 2","ClientRequestToken":"{{{Token}}}","ResultConfiguration":{"OutputLocation":"s3://b/p/"},"ResultReuseConfiguration":{"ResultReuseByAgeConfiguration":{"Enabled":false} }}
            """, Ok("""{"QueryExecutionId":"q-5"}""")),
        new("athena-get-execution", "athena", "GetQueryExecution", """{"QueryExecutionId":"abc1234d-5efg-67hi-jklm-89n0op12qr34"}""", Ok(AthenaDocumentedExecution)),
        new("athena-get-execution-failed", "athena", "GetQueryExecution", """{"QueryExecutionId":"q-failed"}""", Ok(AthenaFailedExecution)),
        new("athena-results-first-page", "athena", "GetQueryResults", """{"QueryExecutionId":"q-1","MaxResults":1000}""", Ok(AthenaResultsPage)),
        new("athena-results-next-page", "athena", "GetQueryResults", """{"QueryExecutionId":"q-1","NextToken":"tok/+=é","MaxResults":2,"QueryResultType":"DATA_ROWS"}""", Ok("""{"ResultSet":{"Rows":[],"ResultSetMetadata":{"ColumnInfo":[]}},"UpdateCount":0}""")),
        new("athena-stop", "athena", "StopQueryExecution", """{"QueryExecutionId":"q-1"}""", Ok()),
        new("athena-get-workgroup", "athena", "GetWorkGroup", """{"WorkGroup":"oneoff-default"}""", Ok(AthenaWorkGroup)),
        new("athena-get-workgroup-minimal", "athena", "GetWorkGroup", """{"WorkGroup":"primary"}""", Ok("""{"WorkGroup":{"Name":"primary"}}""")),

        // ---- EMR requests ----
        new("emr-run-minimal", "emr", "RunJobFlow", """
            {"Name":"x","Instances":{"InstanceGroups":[{"InstanceRole":"MASTER","InstanceType":"m5.xlarge","InstanceCount":1}]}}
            """, Ok("""{"JobFlowId":"j-ZKIY4CKQRX72"}""")),
        new("emr-run-oneoff", "emr", "RunJobFlow", EmrOneOffRunJobFlow, Ok("""{"JobFlowId":"j-1","ClusterArn":"arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/j-1"}""")),
        new("emr-run-fleets", "emr", "RunJobFlow", EmrFleetsRunJobFlow, Ok("""{"JobFlowId":"j-2"}""")),
        new("emr-run-empty-lists-unicode", "emr", "RunJobFlow", $$$"""
            {"Name":"run ✓ {{{Tricky}}}","Instances":{"InstanceGroups":[],"Ec2SubnetIds":[],"KeepJobFlowAliveWhenNoSteps":true},
             "Steps":[],"BootstrapActions":[],"Applications":[],"Configurations":[{"Classification":"spark-defaults","Properties":{}}],
             "Tags":[{"Key":"oneoff:user","Value":"zoë <admin>"},{"Key":"empty","Value":""}],"VisibleToAllUsers":false}
            """, Ok("""{"JobFlowId":"j-3"}""")),
        new("emr-describe-cluster", "emr", "DescribeCluster", """{"ClusterId":"j-3TS0OIYO4NFN"}""", Ok(EmrDocumentedCluster)),
        new("emr-list-steps", "emr", "ListSteps", """{"ClusterId":"j-1"}""", Ok(EmrStepsPage)),
        new("emr-list-steps-filtered", "emr", "ListSteps", """{"ClusterId":"j-1","StepStates":["PENDING","RUNNING","FAILED"],"StepIds":["s-1","s-2"],"Marker":"m/1=="}""", Ok("""{"Steps":[]}""")),
        new("emr-describe-step", "emr", "DescribeStep", """{"ClusterId":"j-1","StepId":"s-1XXXXXXXXXXA"}""", Ok(EmrDescribedStep)),
        new("emr-add-steps", "emr", "AddJobFlowSteps", """
            {"JobFlowId":"j-1","Steps":[{"Name":"train","ActionOnFailure":"CONTINUE","HadoopJarStep":{"Jar":"s3://b/x.jar","MainClass":"Main","Properties":[{"Key":"a","Value":"1"},{"Key":"b","Value":""}],"Args":["--n-hidden","30"]},
             "StepMonitoringConfiguration":{"S3MonitoringConfiguration":{"LogUri":"s3://b/steps/","EncryptionKeyArn":"arn:k"}}}],
             "ExecutionRoleArn":"arn:aws:iam::123456789012:role/step"}
            """, Ok("""{"StepIds":["s-1XXXXXXXXXXA"]}""")),
        new("emr-terminate", "emr", "TerminateJobFlows", """{"JobFlowIds":["j-3TS0OIYO4NFN","j-2"]}""", new CannedResponse(200, string.Empty, new Dictionary<string, string> { ["x-amzn-RequestId"] = "req-t" })),
        new("emr-list-clusters-empty-input", "emr", "ListClusters", "{}", Ok(EmrClustersPage)),
        new("emr-run-built", "emr", "RunJobFlow", EmrGoldenRun.WireJson(), Ok("""{"JobFlowId":"j-2AXXXXXXGAPLF","ClusterArn":"arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/j-2AXXXXXXGAPLF"}""")),
        new("emr-list-instances", "emr", "ListInstances", """{"ClusterId":"j-1"}""", Ok(EmrInstancesPage)),
        new("emr-list-instances-filtered", "emr", "ListInstances", """
            {"ClusterId":"j-1","InstanceGroupId":"ig-1","InstanceGroupTypes":["MASTER","CORE"],"InstanceStates":["RUNNING","TERMINATED"],"Marker":"m/2=="}
            """, Ok("""{"Instances":[]}""")),
        new("emr-list-instances-fleet", "emr", "ListInstances", """{"ClusterId":"j-1","InstanceFleetId":"if-1","InstanceFleetType":"TASK"}""", Ok("""{"Instances":[],"Marker":"AA"}""")),
        new("emr-list-bootstrap-actions", "emr", "ListBootstrapActions", """{"ClusterId":"j-1"}""", Ok(EmrBootstrapActionsPage)),
        new("emr-list-bootstrap-actions-next", "emr", "ListBootstrapActions", """{"ClusterId":"j-1","Marker":"next"}""", Ok("""{"BootstrapActions":[]}""")),
        new("emr-list-clusters-filtered", "emr", "ListClusters", """
            {"CreatedAfter":1704164645.123,"CreatedBefore":1704200000,"ClusterStates":["STARTING","BOOTSTRAPPING","RUNNING","WAITING","TERMINATING"],"Marker":"next"}
            """, Ok("""{"Clusters":[]}""")),

        // ---- Error shapes ----
        new("athena-error-namespaced-type", "athena", "StartQueryExecution", $$"""{"QueryString":"SELEC","ClientRequestToken":"{{Token}}"}""",
            CannedResponse.Json("""{"__type":"com.amazonaws.athena#InvalidRequestException:http://internal.amazon.com/coral/com.amazonaws.athena/","message":"line 1:1: mismatched input 'SELEC'","AthenaErrorCode":"MALFORMED_QUERY"}""", 400, "req-e1")),
        new("athena-error-too-many", "athena", "StartQueryExecution", $$"""{"QueryString":"SELECT 1","ClientRequestToken":"{{Token}}"}""",
            CannedResponse.Json("""{"__type":"TooManyRequestsException","Message":"Rate exceeded","Reason":"CONCURRENT_QUERY_LIMIT_EXCEEDED"}""", 400, "req-e2")),
        new("athena-error-internal", "athena", "GetQueryExecution", """{"QueryExecutionId":"q"}""",
            CannedResponse.Json("""{"__type":"InternalServerException","Message":"We encountered an internal error."}""", 500, "req-e3")),
        new("emr-error-invalid-request", "emr", "DescribeCluster", """{"ClusterId":"j-nope"}""",
            CannedResponse.Json("""{"__type":"InvalidRequestException","ErrorCode":"NoSuchCluster","Message":"Cluster id 'j-nope' is not valid."}""", 400, "req-e4")),
        new("emr-error-header-only", "emr", "RunJobFlow", """{"Name":"x","Instances":{}}""",
            CannedResponse.Json("{}", 400, "req-e5", errorType: "InternalServerError:http://internal.amazon.com/coral/com.amazonaws.emr/")),
        new("emr-error-code-field", "emr", "ListClusters", "{}",
            CannedResponse.Json("""{"code":"ThrottlingException","message":"Rate exceeded"}""", 400, "req-e6")),
        new("athena-error-unmodelled", "athena", "StopQueryExecution", """{"QueryExecutionId":"q"}""",
            CannedResponse.Json("""{"__type":"aws.protocoltests.restjson#FooError","message":"foo"}""", 400, "req-e7")),
        new("athena-error-access-denied", "athena", "GetQueryResults", """{"QueryExecutionId":"q"}""",
            CannedResponse.Json("""{"__type":"AccessDeniedException","Message":"User: arn:aws:iam::123456789012:user/x is not authorized"}""", 400, "req-e8")),
    ];

    // Athena UG "Working with query results, output files, and query history" (CLI output, so the wire JSON).
    private const string AthenaDocumentedExecution = """
        {"QueryExecution":{"Status":{"SubmissionDateTime":1565649050.175,"State":"SUCCEEDED","CompletionDateTime":1565649056.6229999},
         "Statistics":{"DataScannedInBytes":5944497,"DataManifestLocation":"s3://aws-athena-query-results-123456789012-us-west-1/MyInsertQuery/2019/08/12/abc1234d-5efg-67hi-jklm-89n0op12qr34-manifest.csv","EngineExecutionTimeInMillis":5209},
         "ResultConfiguration":{"EncryptionConfiguration":{"EncryptionOption":"SSE_S3"},"OutputLocation":"s3://aws-athena-query-results-123456789012-us-west-1/MyInsertQuery/2019/08/12/abc1234d-5efg-67hi-jklm-89n0op12qr34"},
         "QueryExecutionId":"abc1234d-5efg-67hi-jklm-89n0op12qr34","QueryExecutionContext":{},"Query":"INSERT INTO mydb.elb_log_backup SELECT * FROM mydb.elb_logs LIMIT 100","StatementType":"DML","WorkGroup":"primary"}}
        """;

    private const string AthenaFailedExecution = """
        {"QueryExecution":{"QueryExecutionId":"q-failed","Query":"SELECT * FROM nope","StatementType":"DML","SubstatementType":"SELECT",
         "ResultConfiguration":{"OutputLocation":"s3://b/q-failed.csv"},"QueryExecutionContext":{"Database":"oneoff","Catalog":"awsdatacatalog"},
         "ResultReuseConfiguration":{"ResultReuseByAgeConfiguration":{"Enabled":true,"MaxAgeInMinutes":60}},
         "Status":{"State":"FAILED","StateChangeReason":"TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.oneoff.nope' does not exist","SubmissionDateTime":1704164645,"CompletionDateTime":1704164646.5,
                   "AthenaError":{"ErrorCategory":2,"ErrorType":1301,"Retryable":false,"ErrorMessage":"TABLE_NOT_FOUND: line 1:15"}},
         "Statistics":{"EngineExecutionTimeInMillis":120,"DataScannedInBytes":0,"TotalExecutionTimeInMillis":400,"QueryQueueTimeInMillis":80,"ServicePreProcessingTimeInMillis":20,"QueryPlanningTimeInMillis":60,"ServiceProcessingTimeInMillis":12,"ResultReuseInformation":{"ReusedPreviousResult":false}},
         "WorkGroup":"primary","EngineVersion":{"SelectedEngineVersion":"AUTO","EffectiveEngineVersion":"Athena engine version 3"}}}
        """;

    // Constructed from the model (the JS SDK 3.1162 WorkGroup / WorkGroupConfiguration shapes): the workgroup
    // deploy/oneoff.yaml creates, enforced settings, engine v3, a bytes-scanned cutoff, every member OneOff models.
    private const string AthenaWorkGroup = """
        {"WorkGroup":{"Name":"oneoff-default","State":"ENABLED",
          "Configuration":{"ResultConfiguration":{"OutputLocation":"s3://bucket/oneoff/athena-results/","EncryptionConfiguration":{"EncryptionOption":"SSE_S3"}},
                           "EnforceWorkGroupConfiguration":true,"PublishCloudWatchMetricsEnabled":true,"BytesScannedCutoffPerQuery":10737418240,"RequesterPaysEnabled":false,
                           "EngineVersion":{"SelectedEngineVersion":"Athena engine version 3","EffectiveEngineVersion":"Athena engine version 3"}},
          "Description":"OneOff's queries é","CreationTime":1704164645.123}}
        """;

    // Constructed from the model (AWS documents no GetQueryResults JSON): header row, a NULL cell, unicode.
    private const string AthenaResultsPage = """
        {"UpdateCount":0,"ResultSet":{"Rows":[{"Data":[{"VarCharValue":"run_id"},{"VarCharValue":"n"},{"VarCharValue":"note"}]},
                                              {"Data":[{"VarCharValue":"r1"},{"VarCharValue":"42"},{}]},
                                              {"Data":[{"VarCharValue":"r2"},{"VarCharValue":"7"},{"VarCharValue":"é😀\"\n"}]}],
          "ResultSetMetadata":{"ColumnInfo":[{"CatalogName":"hive","SchemaName":"","TableName":"","Name":"run_id","Label":"run_id","Type":"varchar","Precision":2147483647,"Scale":0,"Nullable":"UNKNOWN","CaseSensitive":true},
                                             {"CatalogName":"hive","SchemaName":"","TableName":"","Name":"n","Label":"n","Type":"integer","Precision":10,"Scale":0,"Nullable":"UNKNOWN","CaseSensitive":false},
                                             {"Name":"note","Type":"varchar"}]}},
         "NextToken":"AYAD/page+2=="}
        """;

    private const string EmrOneOffRunJobFlow = """
        {"Name":"oneoff 20240102-030405-abcd","LogUri":"s3://bucket/oneoff/logs/","ReleaseLabel":"emr-7.13.0",
         "Instances":{"InstanceGroups":[{"Name":"primary","Market":"ON_DEMAND","InstanceRole":"MASTER","InstanceType":"m7g.xlarge","InstanceCount":1},
                                        {"Name":"core","Market":"SPOT","InstanceRole":"CORE","BidPrice":"0.10","InstanceType":"m7g.xlarge","InstanceCount":2,
                                         "EbsConfiguration":{"EbsBlockDeviceConfigs":[{"VolumeSpecification":{"VolumeType":"gp3","SizeInGB":64,"Iops":3000,"Throughput":125},"VolumesPerInstance":1}],"EbsOptimized":true},
                                         "Configurations":[{"Classification":"yarn-site","Properties":{"yarn.nodemanager.vmem-check-enabled":"false"}}]}],
                      "KeepJobFlowAliveWhenNoSteps":false,"TerminationProtected":false,"Ec2SubnetId":"subnet-0123","UnhealthyNodeReplacement":true,
                      "EmrManagedMasterSecurityGroup":"sg-1","AdditionalSlaveSecurityGroups":["sg-2","sg-3"],"Placement":{"AvailabilityZone":"us-east-1a"}},
         "Steps":[{"Name":"generate","ActionOnFailure":"TERMINATE_CLUSTER","HadoopJarStep":{"Jar":"command-runner.jar","Args":["/usr/local/bin/oneoff-job","generate","--out","s3://bucket/oneoff","--run-id","20240102-030405-abcd"]}},
                  {"Name":"train","ActionOnFailure":"TERMINATE_CLUSTER","HadoopJarStep":{"Jar":"command-runner.jar","Args":["spark-submit","--deploy-mode","cluster","s3://bucket/oneoff/artifacts/h/driver.py","--hidden","5,7,10"]}},
                  {"Name":"publish","ActionOnFailure":"TERMINATE_CLUSTER","HadoopJarStep":{"Jar":"command-runner.jar","Args":["/usr/local/bin/oneoff-job","publish"]}}],
         "BootstrapActions":[{"Name":"install oneoff-job","ScriptBootstrapAction":{"Path":"s3://bucket/oneoff/artifacts/h/bootstrap.sh","Args":["s3://bucket/oneoff/artifacts/h/"]}}],
         "Applications":[{"Name":"Spark"},{"Name":"Hadoop","Version":"3.4.1","Args":["-x"],"AdditionalInfo":{"k":"v"}}],
         "Configurations":[{"Classification":"spark-env","Configurations":[{"Classification":"export","Properties":{"PYSPARK_PYTHON":"/usr/bin/python3","ONEOFF":"1"}}],"Properties":{}},
                           {"Classification":"spark-defaults","Properties":{"spark.dynamicAllocation.enabled":"false","spark.executor.cores":"1"}}],
         "VisibleToAllUsers":true,"JobFlowRole":"EMR_EC2_DefaultRole","ServiceRole":"EMR_DefaultRole",
         "Tags":[{"Key":"oneoff:deployment","Value":"default"},{"Key":"oneoff:run-id","Value":"20240102-030405-abcd"},{"Key":"oneoff:lease-expires","Value":"2024-01-02T05:04:05Z"},{"Key":"oneoff:user","Value":"admin"}],
         "AutoTerminationPolicy":{"IdleTimeout":600},"StepConcurrencyLevel":1,"EbsRootVolumeSize":32,"OSReleaseLabel":"2023.6.20250101.0","ScaleDownBehavior":"TERMINATE_AT_TASK_COMPLETION","SecurityConfiguration":"sec"}
        """;

    private const string EmrFleetsRunJobFlow = """
        {"Name":"fleets","ReleaseLabel":"emr-7.13.0","ServiceRole":"EMR_DefaultRole","JobFlowRole":"EMR_EC2_DefaultRole",
         "Instances":{"InstanceFleets":[{"Name":"primary","InstanceFleetType":"MASTER","TargetOnDemandCapacity":1,"InstanceTypeConfigs":[{"InstanceType":"m7g.xlarge"}]},
                                        {"Name":"core","InstanceFleetType":"CORE","TargetOnDemandCapacity":0,"TargetSpotCapacity":8,
                                         "InstanceTypeConfigs":[{"InstanceType":"m7g.2xlarge","WeightedCapacity":4,"BidPriceAsPercentageOfOnDemandPrice":50.5,"Priority":1},
                                                                {"InstanceType":"m6g.2xlarge","WeightedCapacity":4,"BidPrice":"0.2","Priority":2.5,"EbsConfiguration":{"EbsBlockDeviceConfigs":[{"VolumeSpecification":{"VolumeType":"gp3","SizeInGB":100}}]}}],
                                         "LaunchSpecifications":{"SpotSpecification":{"TimeoutDurationMinutes":20,"TimeoutAction":"SWITCH_TO_ON_DEMAND","AllocationStrategy":"price-capacity-optimized"},
                                                                 "OnDemandSpecification":{"AllocationStrategy":"lowest-price","CapacityReservationOptions":{"UsageStrategy":"use-capacity-reservations-first","CapacityReservationPreference":"open"}}}}],
                      "Ec2SubnetIds":["subnet-a","subnet-b"],"Placement":{"AvailabilityZones":["us-east-1a","us-east-1b"]}},
         "AutoTerminationPolicy":{"IdleTimeout":3600},"ExtendedSupport":false}
        """;

    // AWS code library "Use DescribeCluster" (epoch-number timestamps), plus the members OneOff reads.
    private const string EmrDocumentedCluster = """
        {"Cluster":{"Status":{"Timeline":{"ReadyDateTime":1436475075.199,"CreationDateTime":1436474656.563},"State":"WAITING","StateChangeReason":{"Message":"Waiting for steps to run"}},
         "Ec2InstanceAttributes":{"ServiceAccessSecurityGroup":"sg-xxxxxxxx","EmrManagedMasterSecurityGroup":"sg-xxxxxxxx","IamInstanceProfile":"EMR_EC2_DefaultRole","Ec2KeyName":"myKey","Ec2AvailabilityZone":"us-east-1c","EmrManagedSlaveSecurityGroup":"sg-yyyyyyyyy"},
         "Name":"My Cluster","ServiceRole":"EMR_DefaultRole","Tags":[],"TerminationProtected":true,"UnhealthyNodeReplacement":true,"ReleaseLabel":"emr-4.0.0","NormalizedInstanceHours":96,"InstanceCollectionType":"INSTANCE_GROUP",
         "Applications":[{"Version":"2.6.0","Name":"Hadoop"}],"MasterPublicDnsName":"ec2-##-##-##-###.compute-1.amazonaws.com","VisibleToAllUsers":true,"AutoTerminate":false,"Id":"j-XXXXXXXX",
         "Configurations":[{"Classification":"spark","Properties":{"Spark":"maximizeResourceAllocation"}}],"ClusterArn":"arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/j-XXXXXXXX","StepConcurrencyLevel":1,
         "LogUri":"s3://b/logs/","OSReleaseLabel":"2023.6","EbsRootVolumeSize":15,"ScaleDownBehavior":"TERMINATE_AT_TASK_COMPLETION"}}
        """;

    private const string EmrStepsPage = """
        {"Steps":[{"Id":"s-3","Name":"publish","Config":{"Jar":"command-runner.jar","Properties":{},"Args":["oneoff-job","publish"]},"ActionOnFailure":"TERMINATE_CLUSTER",
                   "Status":{"State":"PENDING","StateChangeReason":{},"Timeline":{"CreationDateTime":1704164645.5}}},
                  {"Id":"s-2","Name":"train","Config":{"Jar":"command-runner.jar","Properties":{"k":"v"},"MainClass":"M","Args":["spark-submit"]},"ActionOnFailure":"TERMINATE_CLUSTER",
                   "Status":{"State":"FAILED","StateChangeReason":{"Code":"NONE","Message":"m"},"FailureDetails":{"Reason":"Unknown Error","Message":"exit 1","LogFile":"s3://b/logs/j-1/steps/s-2/stderr.gz"},
                             "Timeline":{"CreationDateTime":1704164645,"StartDateTime":1704164700.25,"EndDateTime":1704164800}},"LogUri":"s3://b/steps/"}],
         "Marker":"next-page"}
        """;

    private const string EmrDescribedStep = """
        {"Step":{"Id":"s-1XXXXXXXXXXA","Name":"generate","Config":{"Jar":"command-runner.jar","Properties":{},"Args":["oneoff-job","generate"]},"ActionOnFailure":"TERMINATE_CLUSTER",
                 "Status":{"State":"COMPLETED","StateChangeReason":{},"Timeline":{"CreationDateTime":1704164645.001,"StartDateTime":1704164646,"EndDateTime":1704164999.999}},
                 "ExecutionRoleArn":"arn:aws:iam::123456789012:role/r"}}
        """;

    // Constructed from the model (the shape of `aws emr list-instances` output): a finished primary node, a running
    // core node without public addresses, an unknown member, and a page marker.
    private const string EmrInstancesPage = """
        {"Instances":[{"Id":"ci-1","Ec2InstanceId":"i-0a1b2c3d4e5f67890","PublicDnsName":"ec2-1-2-3-4.compute-1.amazonaws.com","PublicIpAddress":"1.2.3.4",
                       "PrivateDnsName":"ip-10-0-0-1.ec2.internal","PrivateIpAddress":"10.0.0.1",
                       "Status":{"State":"TERMINATED","StateChangeReason":{"Code":"CLUSTER_TERMINATED","Message":"Instance group terminated"},
                                 "Timeline":{"CreationDateTime":1764586800.5,"ReadyDateTime":1764587100,"EndDateTime":1764588000.25}},
                       "InstanceGroupId":"ig-1","Market":"ON_DEMAND","InstanceType":"m7g.xlarge","EbsVolumes":[{"Device":"/dev/sdb","VolumeId":"vol-1"}]},
                      {"Id":"ci-2","Ec2InstanceId":"i-2","PrivateIpAddress":"10.0.0.2","Status":{"State":"RUNNING","StateChangeReason":{},"Timeline":{"CreationDateTime":1764586801}},
                       "InstanceGroupId":"ig-2","Market":"SPOT","InstanceType":"m7g.2xlarge","EbsVolumes":[],"Extra":"ignored"}],
         "Marker":"next-page"}
        """;

    // Constructed from the model (`aws emr list-bootstrap-actions` output): OneOff's install action.
    private const string EmrBootstrapActionsPage = """
        {"BootstrapActions":[{"Name":"install oneoff-job","ScriptPath":"s3://oneoff-data/oneoff/artifacts/h/bootstrap.sh","Args":["s3://oneoff-data/oneoff/artifacts/h/","/opt/oneoff","180"]},
                             {"Name":"no args","ScriptPath":"s3://b/x.sh","Args":[]}],
         "Marker":"m"}
        """;

    private const string EmrClustersPage = """
        {"Clusters":[{"Id":"j-1","Name":"oneoff ✓","Status":{"State":"TERMINATED_WITH_ERRORS","StateChangeReason":{"Code":"STEP_FAILURE","Message":"Shut down as step failed"},
                                                    "Timeline":{"CreationDateTime":1704164645.123,"ReadyDateTime":1704165000,"EndDateTime":1704166000.5},
                                                    "ErrorDetails":[{"ErrorCode":"EC2_FAILURE","ErrorData":[{"k":"v"}],"ErrorMessage":"m"}]},
                      "NormalizedInstanceHours":8,"ClusterArn":"arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/j-1"},
                     {"Id":"j-2","Name":"b","Status":{"State":"STARTING","Timeline":{"CreationDateTime":1704164645}}}],
         "Marker":"AAAA"}
        """;
}
