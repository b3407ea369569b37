// Loki push through winston + winston-loki, which sends protobuf compressed with snappy (the snappy package) unless
// told to use JSON. Labels per record: host and filename, as Promtail and Alloy set them. Basic auth carries the
// key as the password. Usage: node loki.js <job.json>
'use strict';
const fs = require('fs');
const winston = require('winston');
const LokiTransport = require('winston-loki');

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const errors = [];
  const transport = new LokiTransport({
    host: job.url,
    basicAuth: `loki:${job.key}`,
    json: false,
    batching: true,
    interval: 0.2,
    labels: { job: 'nginx' },
    format: winston.format.printf((info) => info.message),
    onConnectionError: (error) => errors.push(error),
    timeout: 30000,
  });
  if (transport.batcher.contentType !== 'application/x-protobuf') {
    throw new Error(`winston-loki is not sending protobuf (snappy missing?): ${transport.batcher.contentType}`);
  }
  const logger = winston.createLogger({ level: 'info', transports: [transport] });
  for (const record of job.records) {
    const labels = {};
    if (record.host) labels.host = record.host;
    if (record.file) labels.filename = record.file;
    logger.info({ message: record.line, labels });
  }
  await transport.flush();
  logger.close();
  if (errors.length > 0) {
    throw errors[0];
  }
  console.log(JSON.stringify({ sent: job.records.length }));
}

main().catch((error) => { console.error(error); process.exit(1); });
