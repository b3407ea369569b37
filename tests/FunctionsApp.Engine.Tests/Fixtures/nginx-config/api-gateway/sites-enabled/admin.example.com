server {
    listen 8080;
    server_name admin.example.com *.admin.example.com;

    location / {
        limit_req zone=per_client burst=20 nodelay;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_pass http://accounts;
        error_page 502 503 504 /maintenance.html;
    }

    location = /maintenance.html {
        root html;
        internal;
    }
}
