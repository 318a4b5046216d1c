using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EksAutoMode.Sandbox.Aws;

internal enum Protocol { RestJson, Json11, Ec2Query, Query }

internal sealed class AwsError(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}

internal sealed class AwsResponse
{
    public int Status = 200;
    public string ContentType = "text/xml;charset=UTF-8";
    public byte[] Body = [];
    public string? ErrorCode;
    public static AwsResponse Xml(string xml) => new() { Body = Encoding.UTF8.GetBytes(xml) };
    public static AwsResponse Json(JsonNode node, string contentType = "application/json") => new() { ContentType = contentType, Body = Encoding.UTF8.GetBytes(node.ToJsonString()) };
}

internal sealed class AwsRequest
{
    public string Service = "";
    public Protocol Protocol;
    public string Action = "";
    public string Method = "";
    public string[] Segments = [];
    public Dictionary<string, string> Params = new(StringComparer.Ordinal);
    public JsonNode? JsonBody;
    public string Region = "";
    public Identity Identity = null!;
    public string RequestId = Guid.NewGuid().ToString();
    public string Param(string k) => Params.TryGetValue(k, out var v) ? v : null!;
}

/// <summary>One endpoint for EKS, EC2, STS, IAM and Pricing, routed by protocol and signing scope as AWS front ends do.</summary>
internal sealed class AwsApi(World w, Faults faults, RequestCounter counter)
{
    private readonly Eks _eks = new(w);
    private readonly Ec2 _ec2 = new(w);
    private readonly StsIam _stsIam = new(w);
    private readonly PricingApi _pricing = new(w);

    public async Task Handle(HttpContext ctx)
    {
        var req = ctx.Request;
        byte[] body;
        using (var ms = new MemoryStream())
        {
            await req.Body.CopyToAsync(ms, ctx.RequestAborted);
            body = ms.ToArray();
        }
        var raw = ctx.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var q = raw.IndexOf('?');
        var rawPath = q < 0 ? raw : raw[..q];
        var rawQuery = q < 0 ? "" : raw[(q + 1)..];
        var a = Identify(req, rawPath, rawQuery, body);
        var op = $"{a.Service}:{(a.Action.Length == 0 ? "Unknown" : a.Action)}";
        counter.Add(op);

        var fault = faults.Decide(op);
        if (fault.LatencyMs > 0) await Task.Delay(fault.LatencyMs, ctx.RequestAborted);
        if (fault.Kind == FaultKind.Reset)
        {
            ctx.Abort();
            return;
        }

        AwsResponse resp;
        try
        {
            switch (fault.Kind)
            {
                case FaultKind.Throttle:
                    throw a.Protocol switch
                    {
                        Protocol.Ec2Query => new AwsError(503, "RequestLimitExceeded", "Request limit exceeded."),
                        Protocol.Query => new AwsError(400, "Throttling", "Rate exceeded"),
                        Protocol.RestJson => new AwsError(429, "ThrottlingException", "Rate exceeded"),
                        _ => new AwsError(400, "ThrottlingException", "Rate exceeded"),
                    };
                case FaultKind.Error500:
                    throw a.Protocol switch
                    {
                        Protocol.Ec2Query => new AwsError(500, "InternalError", "An internal error has occurred"),
                        Protocol.Query => new AwsError(500, "ServiceFailure", "An internal error has occurred"),
                        Protocol.RestJson => new AwsError(500, "ServerException", "An internal error occurred."),
                        _ => new AwsError(500, "InternalErrorException", "An internal error occurred."),
                    };
                case FaultKind.Error503:
                    throw a.Protocol switch
                    {
                        Protocol.Ec2Query => new AwsError(503, "Unavailable", "The server is overloaded and can't handle the request."),
                        Protocol.Query => new AwsError(503, "ServiceUnavailable", "Service is unavailable."),
                        Protocol.RestJson => new AwsError(503, "ServiceUnavailableException", "The service is unavailable. Try again later."),
                        _ => new AwsError(503, "ServiceUnavailableException", "Service Unavailable"),
                    };
            }
            Authenticate(req, rawPath, rawQuery, body, a);
            if (a.Identity.Denies(op)) throw AccessDenied(a, op);
            resp = a.Service switch
            {
                "eks" => _eks.Handle(a),
                "ec2" => _ec2.Handle(a),
                "sts" or "iam" => _stsIam.Handle(a),
                "pricing" => _pricing.Handle(a),
                _ => throw new AwsError(400, "UnknownOperationException", $"The service '{a.Service}' is not simulated by the sandbox."),
            };
        }
        catch (AwsError e)
        {
            resp = ErrorResponse(a, e);
        }

        if (fault.Kind is FaultKind.WrongShape or FaultKind.Huge && resp.Status < 400) resp.Body = Faults.Mangle(fault, resp.Body, resp.ContentType);
        var res = ctx.Response;
        res.StatusCode = resp.Status;
        res.ContentType = resp.ContentType;
        res.Headers["x-amzn-RequestId"] = a.RequestId;
        if (a.Protocol == Protocol.Ec2Query) res.Headers["Server"] = "AmazonEC2";
        if (resp.Status >= 400 && a.Protocol is Protocol.RestJson or Protocol.Json11)
            res.Headers["x-amzn-ErrorType"] = resp.ErrorCode ?? "";
        res.ContentLength = resp.Body.Length;
        if (fault.Kind == FaultKind.Truncate && resp.Body.Length > 1)
        {
            await res.Body.WriteAsync(resp.Body.AsMemory(0, resp.Body.Length / 2), ctx.RequestAborted);
            await res.Body.FlushAsync(ctx.RequestAborted);
            ctx.Abort();
            return;
        }
        await res.Body.WriteAsync(resp.Body, ctx.RequestAborted);
    }

    private AwsRequest Identify(HttpRequest req, string rawPath, string rawQuery, byte[] body)
    {
        var a = new AwsRequest { Method = req.Method };
        var scope = ScopeService(req, rawQuery);
        var target = req.Headers["X-Amz-Target"].ToString();
        if (target.Length > 0)
        {
            a.Protocol = Protocol.Json11;
            a.Service = target.StartsWith("AWSPriceListService", StringComparison.Ordinal) ? "pricing" : scope ?? "unknown";
            a.Action = target[(target.IndexOf('.') + 1)..];
            try { a.JsonBody = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body); }
            catch (JsonException) { a.JsonBody = null; }
            return a;
        }
        if (rawPath.StartsWith("/clusters", StringComparison.Ordinal) || rawPath.StartsWith("/addons", StringComparison.Ordinal) || scope == "eks")
        {
            a.Protocol = Protocol.RestJson;
            a.Service = "eks";
            a.Segments = rawPath.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
            foreach (var kv in SigV4.ParseQuery(rawQuery)) a.Params[kv.Key] = kv.Value;
            if (body.Length > 0)
            {
                try { a.JsonBody = JsonNode.Parse(body); }
                catch (JsonException) { a.JsonBody = null; }
            }
            else a.JsonBody = new JsonObject();
            a.Action = Eks.ActionFor(req.Method, rawPath);
            return a;
        }
        var form = req.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true
            ? SigV4.ParseQuery(Encoding.UTF8.GetString(body).Replace('+', ' ')) : [];
        foreach (var kv in SigV4.ParseQuery(rawQuery).Concat(form)) a.Params[kv.Key] = kv.Value;
        a.Action = a.Param("Action") ?? "";
        var version = a.Param("Version");
        a.Service = scope ?? version switch { "2016-11-15" => "ec2", "2011-06-15" => "sts", "2010-05-08" => "iam", _ => "unknown" };
        a.Protocol = a.Service == "ec2" ? Protocol.Ec2Query : Protocol.Query;
        return a;
    }

    private static string? ScopeService(HttpRequest req, string rawQuery)
    {
        var auth = req.Headers.Authorization.ToString();
        var i = auth.IndexOf("Credential=", StringComparison.Ordinal);
        string? cred = null;
        if (i >= 0)
        {
            var end = auth.IndexOf(',', i);
            cred = end < 0 ? auth[(i + 11)..] : auth[(i + 11)..end];
        }
        else cred = SigV4.ParseQuery(rawQuery).FirstOrDefault(kv => kv.Key == "X-Amz-Credential").Value;
        var parts = cred?.Split('/');
        return parts is { Length: 5 } ? parts[3] : null;
    }

    private void Authenticate(HttpRequest req, string rawPath, string rawQuery, byte[] body, AwsRequest a)
    {
        string? Header(string name)
        {
            if (name == "host") return req.Headers.Host.ToString();
            return req.Headers.TryGetValue(name, out var v) ? string.Join(',', v.ToArray()) : null;
        }
        var r = SigV4.Verify(req.Method, rawPath, rawQuery, Header, body, w.FindKey, DateTimeOffset.UtcNow);
        if (r.Ok)
        {
            a.Identity = r.Identity!;
            a.Region = r.Region;
            return;
        }
        Console.Error.WriteLine($"sandbox: AWS authentication failed for {a.Service}:{a.Action}: {r.Failure}: {r.Message}");
        throw (a.Protocol, r.Failure) switch
        {
            (Protocol.Ec2Query, SigFailure.Missing) => new AwsError(401, "AuthFailure", "AWS was not able to validate the provided access credentials"),
            (Protocol.Ec2Query, SigFailure.Expired) => new AwsError(400, "RequestExpired", "Request has expired."),
            (Protocol.Ec2Query, SigFailure.ExpiredToken) => new AwsError(400, "RequestExpired", "Request has expired."),
            (Protocol.Ec2Query, SigFailure.SignatureMismatch) => new AwsError(401, "AuthFailure", "AWS was not able to validate the provided access credentials"),
            (Protocol.Ec2Query, _) => new AwsError(401, "AuthFailure", "AWS was not able to validate the provided access credentials"),
            (Protocol.Query, SigFailure.Missing) => new AwsError(403, "MissingAuthenticationToken", "Request is missing Authentication Token"),
            (Protocol.Query, SigFailure.UnknownAccessKey or SigFailure.InvalidToken) => new AwsError(403, "InvalidClientTokenId", "The security token included in the request is invalid."),
            (Protocol.Query, SigFailure.ExpiredToken) => new AwsError(403, "ExpiredToken", "The security token included in the request is expired"),
            (Protocol.Query, SigFailure.Malformed) => new AwsError(400, "IncompleteSignature", r.Message),
            (Protocol.Query, _) => new AwsError(403, "SignatureDoesNotMatch", r.Message),
            (_, SigFailure.Missing) => new AwsError(403, "MissingAuthenticationTokenException", "Missing Authentication Token"),
            (_, SigFailure.UnknownAccessKey or SigFailure.InvalidToken) => new AwsError(403, "UnrecognizedClientException", "The security token included in the request is invalid."),
            (_, SigFailure.ExpiredToken) => new AwsError(403, "ExpiredTokenException", "The security token included in the request is expired"),
            (_, SigFailure.Malformed) => new AwsError(403, "IncompleteSignatureException", r.Message),
            (_, SigFailure.Expired) => new AwsError(403, "InvalidSignatureException", r.Message),
            _ => new AwsError(403, "InvalidSignatureException", r.Message),
        };
    }

    private static AwsError AccessDenied(AwsRequest a, string op)
    {
        var who = a.Identity.Arn;
        return a.Protocol switch
        {
            Protocol.Ec2Query => new AwsError(403, "UnauthorizedOperation", $"You are not authorized to perform this operation. User: {who} is not authorized to perform: {op} because no identity-based policy allows the {op} action"),
            Protocol.Query => new AwsError(403, "AccessDenied", $"User: {who} is not authorized to perform: {op} because no identity-based policy allows the {op} action"),
            Protocol.RestJson => new AwsError(403, "AccessDeniedException", $"User: {who} is not authorized to perform: {op} on resource: arn:aws:eks:{a.Region}:{a.Identity.Account}:cluster/{a.Segments.ElementAtOrDefault(1) ?? "*"} because no identity-based policy allows the {op} action"),
            _ => new AwsError(400, "AccessDeniedException", $"User: {who} is not authorized to perform: {op} because no identity-based policy allows the {op} action"),
        };
    }

    private static AwsResponse ErrorResponse(AwsRequest a, AwsError e)
    {
        switch (a.Protocol)
        {
            case Protocol.Ec2Query:
                return new AwsResponse
                {
                    Status = e.Status,
                    Body = Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{X(e.Code)}</Code><Message>{X(e.Message)}</Message></Error></Errors><RequestID>{a.RequestId}</RequestID></Response>"),
                };
            case Protocol.Query:
                var ns = a.Service == "iam" ? "https://iam.amazonaws.com/doc/2010-05-08/" : "https://sts.amazonaws.com/doc/2011-06-15/";
                var type = e.Status >= 500 ? "Receiver" : "Sender";
                return new AwsResponse
                {
                    Status = e.Status,
                    Body = Encoding.UTF8.GetBytes($"<ErrorResponse xmlns=\"{ns}\">\n  <Error>\n    <Type>{type}</Type>\n    <Code>{X(e.Code)}</Code>\n    <Message>{X(e.Message)}</Message>\n  </Error>\n  <RequestId>{a.RequestId}</RequestId>\n</ErrorResponse>\n"),
                };
            case Protocol.RestJson:
                return new AwsResponse { Status = e.Status, ErrorCode = e.Code, ContentType = "application/json", Body = Encoding.UTF8.GetBytes(new JsonObject { ["message"] = e.Message }.ToJsonString()) };
            default:
                return new AwsResponse { Status = e.Status, ErrorCode = e.Code, ContentType = "application/x-amz-json-1.1", Body = Encoding.UTF8.GetBytes(new JsonObject { ["__type"] = e.Code, ["message"] = e.Message }.ToJsonString()) };
        }
    }

    public static string X(string s) => WebUtility.HtmlEncode(s);
}
