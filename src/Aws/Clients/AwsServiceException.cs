using System.Net;

namespace OneOff.Aws.Clients;

/// <summary>
/// An error reply from an AWS service, typed by its error code: the cleaned <c>__type</c> (or <c>code</c>, or the
/// <c>X-Amzn-Errortype</c> header) — <c>com.amazonaws.athena#InvalidRequestException:http://…</c> becomes
/// <c>InvalidRequestException</c>. Specific kinds derive from it (<see cref="AwsThrottlingException"/>,
/// <see cref="AwsInvalidRequestException"/>, …); <see cref="Create"/> picks the kind.
/// </summary>
internal class AwsServiceException : Exception
{
    /// <summary>Creates an error as read from a reply.</summary>
    public AwsServiceException(string service, string errorCode, string message, HttpStatusCode statusCode, string? requestId, IReadOnlyDictionary<string, string>? details = null)
        : base(FormatMessage(service, errorCode, message, requestId))
    {
        Service = service;
        ErrorCode = errorCode;
        ServiceMessage = message;
        StatusCode = statusCode;
        RequestId = requestId;
        Details = details ?? new Dictionary<string, string>();
    }

    /// <summary>The service that answered (<c>athena</c>, <c>emr</c>).</summary>
    public string Service { get; }

    /// <summary>The cleaned error code, e.g. <c>InvalidRequestException</c>.</summary>
    public string ErrorCode { get; }

    /// <summary>The service's own message (<c>message</c> or <c>Message</c> in the body), possibly empty.</summary>
    public string ServiceMessage { get; }

    /// <summary>The HTTP status of the reply.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The request id AWS gave the call (<c>x-amzn-RequestId</c>), for support cases and logs.</summary>
    public string? RequestId { get; }

    /// <summary>
    /// The error's other scalar members as strings, e.g. Athena's <c>AthenaErrorCode</c> and <c>Reason</c>,
    /// EMR's <c>ErrorCode</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Details { get; }

    /// <summary>True when the SDKs would retry this error (throttling, or a 5xx).</summary>
    public bool IsTransient => this is AwsThrottlingException || (int)StatusCode >= 500;

    /// <summary>Creates the most specific exception type for <paramref name="errorCode"/>.</summary>
    public static AwsServiceException Create(string service, string errorCode, string message, HttpStatusCode statusCode, string? requestId, IReadOnlyDictionary<string, string>? details = null)
    {
        if (AwsErrorCodes.IsThrottling(errorCode))
        {
            return new AwsThrottlingException(service, errorCode, message, statusCode, requestId, details);
        }

        return errorCode switch
        {
            "InvalidRequestException" or "ValidationException" or "ValidationError" or "InvalidParameterException"
                => new AwsInvalidRequestException(service, errorCode, message, statusCode, requestId, details),
            "AccessDeniedException" or "UnrecognizedClientException" or "InvalidClientTokenId" or "IncompleteSignature"
                or "InvalidSignatureException" or "SignatureDoesNotMatch" or "ExpiredTokenException" or "RequestExpired" or "MissingAuthenticationToken"
                => new AwsAccessDeniedException(service, errorCode, message, statusCode, requestId, details),
            "ResourceNotFoundException" or "MetadataException"
                => new AwsResourceNotFoundException(service, errorCode, message, statusCode, requestId, details),
            "InternalServerException" or "InternalServerError" or "InternalFailure" or "ServiceUnavailable"
                => new AwsInternalServerException(service, errorCode, message, statusCode, requestId, details),
            _ when (int)statusCode >= 500 => new AwsInternalServerException(service, errorCode, message, statusCode, requestId, details),
            _ => new AwsServiceException(service, errorCode, message, statusCode, requestId, details),
        };
    }

    private static string FormatMessage(string service, string errorCode, string message, string? requestId)
    {
        var text = string.IsNullOrEmpty(message) ? errorCode : $"{errorCode}: {message}";
        return requestId is null ? $"AWS {service}: {text}" : $"AWS {service}: {text} (request id {requestId})";
    }
}

/// <summary>The service asks the caller to slow down (<c>ThrottlingException</c>, <c>TooManyRequestsException</c>, …).</summary>
internal sealed class AwsThrottlingException(string service, string errorCode, string message, HttpStatusCode statusCode, string? requestId, IReadOnlyDictionary<string, string>? details = null)
    : AwsServiceException(service, errorCode, message, statusCode, requestId, details);

/// <summary>The request was refused as invalid (<c>InvalidRequestException</c>, <c>ValidationException</c>): fix the input, do not retry.</summary>
internal sealed class AwsInvalidRequestException(string service, string errorCode, string message, HttpStatusCode statusCode, string? requestId, IReadOnlyDictionary<string, string>? details = null)
    : AwsServiceException(service, errorCode, message, statusCode, requestId, details);

/// <summary>The credentials were refused or lack a permission (<c>AccessDeniedException</c>, <c>UnrecognizedClientException</c>, …).</summary>
internal sealed class AwsAccessDeniedException(string service, string errorCode, string message, HttpStatusCode statusCode, string? requestId, IReadOnlyDictionary<string, string>? details = null)
    : AwsServiceException(service, errorCode, message, statusCode, requestId, details);

/// <summary>The thing named does not exist (<c>ResourceNotFoundException</c>, Athena's <c>MetadataException</c>).</summary>
internal sealed class AwsResourceNotFoundException(string service, string errorCode, string message, HttpStatusCode statusCode, string? requestId, IReadOnlyDictionary<string, string>? details = null)
    : AwsServiceException(service, errorCode, message, statusCode, requestId, details);

/// <summary>The service failed (<c>InternalServerException</c>, EMR's <c>InternalServerError</c>, any 5xx).</summary>
internal sealed class AwsInternalServerException(string service, string errorCode, string message, HttpStatusCode statusCode, string? requestId, IReadOnlyDictionary<string, string>? details = null)
    : AwsServiceException(service, errorCode, message, statusCode, requestId, details);
