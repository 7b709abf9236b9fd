namespace OneOff.Aws.Compute;

/// <summary>
/// A job bundle uploaded to S3 (ARCHITECTURE.md, "The EMR path" item 1): its content hash and the folder its
/// artifacts live in, <c>s3://{bucket}/{prefix}/artifacts/{contentHash}/</c>.
/// </summary>
/// <param name="ContentHash">SHA-256 over the artifacts (lowercase hex).</param>
/// <param name="ArtifactsUri">The artifacts folder, <c>s3://…/artifacts/{contentHash}/</c> (ends in '/').</param>
public sealed record BundleArtifacts(string ContentHash, string ArtifactsUri)
{
    /// <summary>The bootstrap action's script inside the artifacts folder.</summary>
    public const string BootstrapScriptName = "bootstrap.sh";

    /// <summary>The artifacts folder, always ending in '/'.</summary>
    public string Folder => ArtifactsUri.EndsWith('/') ? ArtifactsUri : ArtifactsUri + "/";

    /// <summary><c>{ArtifactsUri}bootstrap.sh</c>: the script every node runs to install the bundle.</summary>
    public string BootstrapScriptUri => Folder + BootstrapScriptName;
}
