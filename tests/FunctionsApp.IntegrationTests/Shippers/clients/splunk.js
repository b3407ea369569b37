// Splunk HEC through splunk-logging (Splunk's own Node client): events to /services/collector/event/1.0 with
// "Authorization: Splunk <token>" (the function key), the host and source (the file, by Splunk's convention) as
// event metadata, batched. Usage: node splunk.js <job.json>
'use strict';
const fs = require('fs');
const SplunkLogger = require('splunk-logging').Logger;

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const url = new URL(job.url);
  const logger = new SplunkLogger({
    token: job.key,
    url: `${url.protocol}//${url.host}`,
    path: `${url.pathname}/services/collector/event/1.0`,
    maxBatchCount: 100,
    maxRetries: 3,
  });
  const failures = [];
  logger.error = (error, context) => failures.push(error);
  let acknowledged = 0;
  await new Promise((resolve) => {
    for (const record of job.records) {
      const metadata = { sourcetype: 'nginx' };
      if (record.host) metadata.host = record.host;
      if (record.file) metadata.source = record.file;
      logger.send({ message: record.line, metadata });
    }
    logger.flush((error, response, body) => {
      if (error) failures.push(error);
      else if (response.statusCode !== 200 || body.code !== 0) failures.push(new Error(`HEC answered ${response.statusCode} ${JSON.stringify(body)}`));
      else acknowledged++;
      resolve();
    });
  });
  if (failures.length > 0) {
    throw failures[0];
  }
  console.log(JSON.stringify({ sent: job.records.length, acknowledged }));
}

main().catch((error) => { console.error(error); process.exit(1); });
