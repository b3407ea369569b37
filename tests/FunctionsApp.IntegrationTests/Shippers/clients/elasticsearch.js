// Elasticsearch _bulk through the official client's bulk helper, with ECS documents (message, log.file.path,
// host.name) and the key as an API key (base64 of "id:key"). Usage: node elasticsearch.js <job.json>
'use strict';
const fs = require('fs');
const { Client } = require('@elastic/elasticsearch');

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const client = new Client({ node: job.url, auth: { apiKey: Buffer.from(`filebeat:${job.key}`).toString('base64') } });
  const info = await client.info();
  const documents = job.records.map((record, i) => ({
    '@timestamp': new Date(Date.UTC(2026, 10, 30, 10, 0, 0) + i).toISOString(),
    message: record.line,
    ...(record.file ? { log: { file: { path: record.file }, offset: i } } : {}),
    ...(record.host ? { host: { name: record.host } } : {}),
  }));
  const dropped = [];
  const result = await client.helpers.bulk({
    datasource: documents,
    flushBytes: 64 * 1024,
    concurrency: 2,
    onDocument: () => ({ create: { _index: 'logs-nginx-default' } }),
    onDrop: (doc) => dropped.push(doc),
  });
  await client.close();
  if (result.failed > 0 || dropped.length > 0 || result.successful !== documents.length) {
    throw new Error(`bulk helper: ${JSON.stringify(result)}, dropped ${dropped.length}`);
  }
  console.log(JSON.stringify({ sent: documents.length, version: info.version.number, total: result.total, successful: result.successful }));
}

main().catch((error) => { console.error(error); process.exit(1); });
