server {
    listen 8080;
    server_name api.example.com;

    location /orders/ {
        limit_req zone=per_client;
        proxy_pass http://orders_v1;
    }

    location /v2/orders/ {
        proxy_pass http://$tenant_backend;
    }

    location /payments/ {
        proxy_pass https://payments;
    }

    location /accounts/ {
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_pass http://accounts;
        proxy_next_upstream off;

        location ~ ^/accounts/[0-9]+/export$ {
            proxy_pass http://accounts;
            proxy_read_timeout 120s;
        }
    }

    location = /health {
        return 200 "ok\n";
    }
}
