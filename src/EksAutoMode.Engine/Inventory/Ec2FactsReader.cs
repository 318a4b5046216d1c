using System.Text.RegularExpressions;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using EksAutoMode.Engine.Aws;

namespace EksAutoMode.Engine.Inventory;

/// <summary>
/// EC2 facts for nodes: DescribeInstances in batches of up to 1,000 instance ids (managed instances included, so
/// Auto Mode's EC2 managed instances are not hidden), and current spot prices from DescribeSpotPriceHistory (one
/// call per set of instance types, latest point per type and zone). Ids EC2 no longer knows are dropped and the
/// batch retried, so one terminated instance does not hide the others.
/// </summary>
public sealed partial class Ec2FactsReader : IDisposable
{
    public const int MaxIdsPerCall = 1000;
    private readonly AmazonEC2Client _client;
    private readonly string _target;
    private long _calls;

    public Ec2FactsReader(AwsSession session, string target)
    {
        _client = session.CreateEc2Client();
        _target = target;
    }

    /// <summary>EC2 API calls made (DescribeInstances and DescribeSpotPriceHistory; SDK retries not counted).</summary>
    public long CallCount => Interlocked.Read(ref _calls);

    /// <summary>Facts for the instances among <paramref name="instanceIds"/> that EC2 knows.</summary>
    public async Task<IReadOnlyDictionary<string, Ec2InstanceFacts>> DescribeAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, Ec2InstanceFacts>(StringComparer.Ordinal);
        foreach (string[] batch in instanceIds.Distinct(StringComparer.Ordinal).Chunk(MaxIdsPerCall))
        {
            var ids = batch.ToList();
            for (int round = 0; ids.Count > 0 && round < 4; round++)
            {
                try
                {
                    await DescribeBatchAsync(ids, result, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (AmazonEC2Exception ex) when (ex.ErrorCode is "InvalidInstanceID.NotFound" or "InvalidInstanceID.Malformed")
                {
                    var missing = InstanceIdPattern().Matches(ex.Message).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
                    int before = ids.Count;
                    ids.RemoveAll(missing.Contains);
                    if (ids.Count == before)
                    {
                        break; // cannot tell which id is gone: leave this batch without EC2 facts
                    }
                }
            }
        }

        return result;
    }

    private async Task DescribeBatchAsync(List<string> ids, Dictionary<string, Ec2InstanceFacts> result, CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var request = new DescribeInstancesRequest { InstanceIds = ids, NextToken = token, IncludeManagedResources = true };
            Interlocked.Increment(ref _calls);
            DescribeInstancesResponse response = await Call(() => _client.DescribeInstancesAsync(request, cancellationToken), "DescribeInstances").ConfigureAwait(false);
            foreach (Reservation reservation in response.Reservations ?? new List<Reservation>())
            {
                foreach (Instance i in reservation.Instances ?? new List<Instance>())
                {
                    result[i.InstanceId] = new Ec2InstanceFacts
                    {
                        InstanceId = i.InstanceId,
                        InstanceType = i.InstanceType?.Value,
                        Zone = i.Placement?.AvailabilityZone,
                        Architecture = i.Architecture?.Value,
                        Lifecycle = i.InstanceLifecycle?.Value,
                        OperatorManaged = i.Operator?.Managed,
                        OperatorPrincipal = i.Operator?.Principal,
                        State = i.State?.Name?.Value,
                        LaunchTime = i.LaunchTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null,
                        Tags = (i.Tags ?? new List<Tag>()).GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.Last().Value ?? "", StringComparer.Ordinal),
                    };
                }
            }

            token = string.IsNullOrEmpty(response.NextToken) ? null : response.NextToken;
        }
        while (token is not null);
    }

    /// <summary>Current Linux spot prices per (instance type, zone) for <paramref name="instanceTypes"/>: the latest point of each.</summary>
    public async Task<IReadOnlyDictionary<(string Type, string Zone), (decimal Price, DateTimeOffset Timestamp)>> SpotPricesAsync(
        IReadOnlyCollection<string> instanceTypes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = new Dictionary<(string, string), (decimal, DateTimeOffset)>();
        if (instanceTypes.Count == 0)
        {
            return result;
        }

        string? token = null;
        do
        {
            var request = new DescribeSpotPriceHistoryRequest
            {
                InstanceTypes = instanceTypes.Distinct(StringComparer.Ordinal).ToList(),
                ProductDescriptions = new List<string> { "Linux/UNIX" },
                StartTime = now.UtcDateTime,
                NextToken = token,
            };
            Interlocked.Increment(ref _calls);
            DescribeSpotPriceHistoryResponse response = await Call(() => _client.DescribeSpotPriceHistoryAsync(request, cancellationToken), "DescribeSpotPriceHistory").ConfigureAwait(false);
            foreach (SpotPrice p in response.SpotPriceHistory ?? new List<SpotPrice>())
            {
                if (p.InstanceType?.Value is not { } type || p.AvailabilityZone is not { } zone
                    || !decimal.TryParse(p.Price, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out decimal price))
                {
                    continue;
                }

                var stamp = new DateTimeOffset(DateTime.SpecifyKind(p.Timestamp ?? now.UtcDateTime, DateTimeKind.Utc));
                if (!result.TryGetValue((type, zone), out var known) || known.Item2 < stamp)
                {
                    result[(type, zone)] = (price, stamp);
                }
            }

            token = string.IsNullOrEmpty(response.NextToken) ? null : response.NextToken;
        }
        while (token is not null);

        return result;
    }

    private async Task<T> Call<T>(Func<Task<T>> call, string operation)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonEC2Exception ex) when (ex.ErrorCode is "InvalidInstanceID.NotFound" or "InvalidInstanceID.Malformed")
        {
            throw;
        }
        catch (Exception ex) when (ExceptionChain.Find<ResponseTooLargeException>(ex) is { } tooLarge)
        {
            throw AwsServiceException.InvalidResponse("EC2", operation, $"a body larger than {tooLarge.Limit / (1024 * 1024)} MB, which is not read", _target, ex);
        }
        catch (AmazonServiceException ex)
        {
            bool denied = ex.ErrorCode is "UnauthorizedOperation" or "AccessDenied" or "AccessDeniedException";
            bool auth = ex.ErrorCode is "AuthFailure" or "RequestExpired" or "ExpiredToken" or "InvalidClientTokenId" or "SignatureDoesNotMatch";
            throw new EngineException(denied ? "Ec2AccessDenied" : auth ? "Ec2AuthFailure" : "Ec2CallFailed",
                denied ? ErrorKind.PermissionDenied : auth ? ErrorKind.AuthenticationError : ErrorKind.ResourceUnavailable,
                $"EC2 {operation} failed ({ex.ErrorCode}): {ex.Message}", _target, ex)
            {
                RecommendedAction = denied ? $"Allow ec2:{operation} for your identity, or pass -Offline to skip EC2." : null,
            };
        }
        catch (AmazonClientException ex)
        {
            throw new EngineException("Ec2Unreachable", ErrorKind.ConnectionError, $"EC2 {operation} failed: {ex.Message}", _target, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new EngineException("Ec2Unreachable", ErrorKind.ConnectionError, $"EC2 {operation} failed: {ex.Message}", _target, ex);
        }
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex(@"i-[0-9a-zA-Z]+", RegexOptions.NonBacktracking)]
    private static partial Regex InstanceIdPattern();
}
