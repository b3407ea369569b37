// OTLP/HTTP through the OpenTelemetry JS logs SDK: one LoggerProvider per host (the resource's host.name), a
// BatchLogRecordProcessor, and the protobuf or JSON exporter. Usage: node otlp.js proto|http <job.json>
'use strict';
const fs = require('fs');
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { resourceFromAttributes } = require('@opentelemetry/resources');

async function main() {
  const [encoding, jobFile] = process.argv.slice(2);
  const job = JSON.parse(fs.readFileSync(jobFile, 'utf8'));
  const { OTLPLogExporter } = encoding === 'proto'
    ? require('@opentelemetry/exporter-logs-otlp-proto')
    : require('@opentelemetry/exporter-logs-otlp-http');
  // The protobuf run sends the key as x-functions-key, the JSON run as a bearer token (both map onto the key).
  const headers = encoding === 'proto' ? { 'x-functions-key': job.key } : { Authorization: `Bearer ${job.key}` };

  const providers = new Map();
  const providerFor = (host) => {
    if (!providers.has(host)) {
      const exporter = new OTLPLogExporter({ url: `${job.url}/v1/logs`, headers, timeoutMillis: 30000 });
      const provider = new LoggerProvider({
        resource: resourceFromAttributes(host ? { 'host.name': host, 'service.name': 'nginx' } : { 'service.name': 'nginx' }),
        processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 200, scheduledDelayMillis: 50, maxQueueSize: 100000 })],
      });
      providers.set(host, provider);
    }
    return providers.get(host);
  };

  for (const record of job.records) {
    const attributes = record.file ? { 'log.file.name': record.file.split('/').pop(), 'log.file.path': record.file } : {};
    providerFor(record.host).getLogger('filelog').emit({ body: record.line, attributes });
  }

  for (const provider of providers.values()) {
    await provider.forceFlush();
    await provider.shutdown();
  }
  console.log(JSON.stringify({ sent: job.records.length }));
}

main().catch((error) => { console.error(error); process.exit(1); });
