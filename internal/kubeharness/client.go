package kubeharness

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Do sends one request to the API server as the cluster's admin. body, when not nil, is sent
// as JSON (a []byte is sent as it is); a PATCH is a server-side apply, whose body may be YAML.
// It returns the status and the response body.
//
// A plain HTTP client is enough for what the tests send (create, get, list, dry-run apply), and
// keeps client-go's compile cost out of every test binary that starts a cluster.
func (c *Cluster) Do(ctx context.Context, method, path string, body any) (int, []byte, error) {
	var in io.Reader
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
	case []byte:
		in = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return 0, nil, err
		}
		in = bytes.NewReader(data)
	}
	if method == http.MethodPatch {
		contentType = "application/apply-patch+yaml"
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Server+path, in)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if c.http == nil {
		return 0, nil, errors.New("the API server's certificate is not read yet")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

// trust makes the cluster's client trust ca, the API server's self-signed certificate, once.
func (c *Cluster) trust(ca []byte) error {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return errors.New("the API server's certificate is not PEM")
	}
	c.ca = ca
	c.http = &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, DisableKeepAlives: true},
	}
	return nil
}

// Status is the API server's answer to a refused request.
type Status struct {
	Code    int    `json:"code"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// Get reads the object at path into out, failing on anything but 200.
func (c *Cluster) Get(ctx context.Context, path string, out any) error {
	status, body, err := c.Do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", path, status, body)
	}
	return json.Unmarshal(body, out)
}

// Create posts obj to the collection at path. It returns the API server's refusal as a
// *Status error, so a test can read the admission message.
func (c *Cluster) Create(ctx context.Context, path string, obj any) error {
	status, body, err := c.Do(ctx, http.MethodPost, path, obj)
	if err != nil {
		return err
	}
	if status == http.StatusCreated || status == http.StatusOK {
		return nil
	}
	s := &Status{}
	if json.Unmarshal(body, s) != nil || s.Message == "" {
		return fmt.Errorf("POST %s: %d %s", path, status, body)
	}
	return s
}

func (s *Status) Error() string { return fmt.Sprintf("%d %s: %s", s.Code, s.Reason, s.Message) }

// httpOK gets a plain-HTTP health endpoint (etcd's, on loopback).
func httpOK(url string) error {
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d", url, resp.StatusCode)
	}
	return nil
}
